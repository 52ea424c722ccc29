import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';
import {
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  USERNAME_MAX_LENGTH,
  USERNAME_MIN_LENGTH,
  USERNAME_PATTERN,
} from '../../users/users.constants';
import { usernameCharacters } from '../auth.messages';

/** Body of `POST /auth/register`. */
export class RegisterDto {
  /** 3–32 characters of `a-z A-Z 0-9 _ . -`. */
  @IsString()
  @Length(USERNAME_MIN_LENGTH, USERNAME_MAX_LENGTH)
  @Matches(USERNAME_PATTERN, { message: usernameCharacters() })
  // The compiler plugin reads only literal patterns; this one is a shared constant.
  @ApiProperty({ pattern: USERNAME_PATTERN.source })
  username!: string;

  /** 8–128 characters. */
  @IsString()
  @Length(PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH)
  password!: string;
}

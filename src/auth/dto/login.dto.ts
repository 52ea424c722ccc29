import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { PASSWORD_MAX_LENGTH, USERNAME_MAX_LENGTH } from '../../users/users.constants';

/**
 * Body of `POST /auth/login`. Only shape and size are checked: a value that could never have
 * been registered is simply a wrong username or password (401), and the size bound keeps
 * scrypt's work per request fixed.
 */
export class LoginDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(USERNAME_MAX_LENGTH)
  username!: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(PASSWORD_MAX_LENGTH)
  password!: string;
}

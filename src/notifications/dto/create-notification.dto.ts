import { Type } from 'class-transformer';
import { IsObject, IsOptional, IsString, Length, ValidateNested } from 'class-validator';
import { IsExactlyOneTarget } from './exactly-one-target.validator';
import { NotificationTargetDto } from './notification-target.dto';

/** Body of `POST /notifications`. */
export class CreateNotificationDto {
  @IsExactlyOneTarget()
  @ValidateNested()
  @Type(() => NotificationTargetDto)
  to!: NotificationTargetDto;

  @IsString()
  @Length(1, 200)
  title!: string;

  @IsOptional()
  @IsString()
  @Length(0, 2000)
  body?: string;

  /** Free-form JSON object for the client. */
  @IsOptional()
  @IsObject()
  data?: Record<string, unknown>;
}

import { Equals, IsOptional, IsString, Length, Matches } from 'class-validator';

/** Who a notification is for: exactly one of `userId`, `room` or `all: true`. */
export class NotificationTargetDto {
  /** One user, on every device. */
  @IsOptional()
  @IsString()
  @Length(1, 64)
  userId?: string;

  /** Every member of a room, e.g. `public:lobby`. */
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @Matches(/^[\x21-\x7e]+$/, { message: 'room must contain printable ASCII without spaces' })
  room?: string;

  /** Everyone connected. */
  @IsOptional()
  @Equals(true)
  all?: true;
}

import { IsString, Length, Matches } from 'class-validator';

/** `data` of a `join` or `leave` frame. */
export class RoomRequestDto {
  /** Room name: 1–200 printable characters without spaces, e.g. `public:lobby`, `user:42`. */
  @IsString()
  @Length(1, 200)
  @Matches(/^[\x21-\x7e]+$/, { message: 'room must contain printable ASCII without spaces' })
  room!: string;
}

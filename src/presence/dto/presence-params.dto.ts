import { IsUUID } from 'class-validator';

/** Path of `GET /presence/:userId`. */
export class PresenceParamsDto {
  /** The user's id (a UUID, as `POST /auth/register` answers it). */
  @IsUUID()
  userId!: string;
}

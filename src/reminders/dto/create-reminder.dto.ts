import { IsISO8601, IsOptional, IsString, Length } from 'class-validator';

/** Body of `POST /reminders`: a one-off reminder. */
export class CreateReminderDto {
  @IsString()
  @Length(1, 200)
  title!: string;

  @IsOptional()
  @IsString()
  @Length(0, 2000)
  body?: string;

  /** When it fires, ISO 8601 with a time zone offset. A time in the past fires at once. */
  @IsISO8601({ strict: true, strictSeparator: true })
  dueAt!: string;
}

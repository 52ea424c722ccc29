import { IsISO8601, IsOptional, IsString, IsTimeZone, Length, ValidateIf } from 'class-validator';
import { IsAbsentWith } from './absent-with.validator';

/**
 * Body of `PATCH /reminders/:id`: any of the fields. `dueAt` makes the reminder one-off at that
 * time; `cron` and/or `timezone` change (or start) its recurring schedule.
 */
export class UpdateReminderDto {
  @IsOptional()
  @IsString()
  @Length(1, 200)
  title?: string;

  /** `null` removes the body. */
  @ValidateIf((dto: UpdateReminderDto) => dto.body !== undefined && dto.body !== null)
  @IsString()
  @Length(0, 2000)
  body?: string | null;

  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  @IsAbsentWith('cron')
  @IsAbsentWith('timezone')
  dueAt?: string;

  @IsOptional()
  @IsString()
  @Length(1, 100)
  cron?: string;

  @IsOptional()
  @IsTimeZone()
  timezone?: string;
}

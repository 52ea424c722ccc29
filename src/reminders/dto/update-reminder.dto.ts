import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsTimeZone, Length, ValidateIf } from 'class-validator';
import { IsAbsentWith } from './absent-with.validator';
import { IsRfc3339DateTime } from './rfc3339-date-time.validator';

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

  /**
   * Makes the reminder one-off at this time: an RFC 3339 date-time with `Z` or a `±hh:mm`
   * offset, as in `POST /reminders`.
   */
  @IsOptional()
  @IsRfc3339DateTime()
  @ApiPropertyOptional({ format: 'date-time', example: '2026-12-01T09:00:00+01:00' })
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

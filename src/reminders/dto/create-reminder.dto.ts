import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsTimeZone, Length, ValidateIf } from 'class-validator';
import { IsAbsentWith } from './absent-with.validator';
import { IsRfc3339DateTime } from './rfc3339-date-time.validator';

/**
 * Body of `POST /reminders`: one-off with `dueAt`, or recurring with `cron` and `timezone`.
 */
export class CreateReminderDto {
  @IsString()
  @Length(1, 200)
  title!: string;

  @IsOptional()
  @IsString()
  @Length(0, 2000)
  body?: string;

  /**
   * One-off: when it fires, an RFC 3339 date-time with `Z` or a `±hh:mm` offset (other ISO 8601
   * forms, and local times without an offset, are refused). A time in the past fires at once.
   */
  @ValidateIf((dto: CreateReminderDto) => dto.dueAt !== undefined || dto.cron === undefined)
  @IsRfc3339DateTime()
  @ApiPropertyOptional({ format: 'date-time', example: '2026-12-01T09:00:00+01:00' })
  @IsAbsentWith('cron')
  dueAt?: string;

  /** Recurring: a cron expression, 5 fields (or 6 with seconds first), e.g. `0 9 * * 1-5`. */
  @ValidateIf((dto: CreateReminderDto) => dto.cron !== undefined)
  @IsString()
  @Length(1, 100)
  cron?: string;

  /** Recurring: the IANA time zone of the cron's wall-clock times, e.g. `Europe/Berlin`. */
  @ValidateIf((dto: CreateReminderDto) => dto.cron !== undefined || dto.timezone !== undefined)
  @IsTimeZone()
  timezone?: string;
}

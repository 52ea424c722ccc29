import { IsInt, Max, Min } from 'class-validator';

/** Body of `POST /reminders/:id/snooze`. */
export class SnoozeReminderDto {
  /** Minutes from now until the reminder fires again, 1–10 080 (a week). */
  @IsInt()
  @Min(1)
  @Max(10_080)
  minutes!: number;
}

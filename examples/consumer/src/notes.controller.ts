import { Body, Controller, Post, Req, UseGuards } from '@nestjs/common';
import { DurableDelivery, ReminderScheduler, type Reminder } from '@nest-realtime/core';
import { KyselyReminderStore } from '@nest-realtime/core/reminders';
import { IsInt, IsString, MaxLength } from 'class-validator';
import { TokenGuard } from './token.guard';

export class NoteDto {
  @IsString()
  @MaxLength(500)
  text!: string;
}

export class ReminderDto {
  @IsString()
  @MaxLength(200)
  title!: string;

  /** When it fires, ms since the epoch. */
  @IsInt()
  dueAt!: number;
}

type AuthenticatedRequest = { user: { sub: string } };

@Controller()
@UseGuards(TokenGuard)
export class NotesController {
  constructor(
    private readonly delivery: DurableDelivery,
    private readonly reminders: KyselyReminderStore,
    private readonly scheduler: ReminderScheduler,
  ) {}

  /** A durable push: written to the user's log first, then sent to every device of the user. */
  @Post('notes')
  async note(@Req() request: AuthenticatedRequest, @Body() body: NoteDto) {
    const [entry] = await this.delivery.deliver([
      { userId: request.user.sub, type: 'note', data: { text: body.text } },
    ]);
    return { seq: entry.seq, id: entry.id };
  }

  /** Fires once at `dueAt` as a durable `schedule-reminder` push. */
  @Post('reminders')
  async remind(@Req() request: AuthenticatedRequest, @Body() body: ReminderDto): Promise<Reminder> {
    const reminder = await this.reminders.create({ userId: request.user.sub, ...body });
    void this.scheduler.wake();
    return reminder;
  }
}

import {
  BadRequestException,
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  NotFoundException,
  Param,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import {
  KyselyReminderStore,
  ReminderScheduleError,
  ReminderScheduler,
  type Reminder,
} from '@app/realtime';
import { validationFailed } from '../config/config.messages';
import type { ValidationFailureBody } from '../config/validation';
import type { AuthUser } from '../auth/auth-user.interface';
import { CurrentUser } from '../auth/current-user.decorator';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { CreateReminderDto } from './dto/create-reminder.dto';
import { ListRemindersQuery } from './dto/list-reminders.query';

const DEFAULT_PAGE_SIZE = 20;

/** Your reminders. Someone else's is 404: its existence is not revealed. */
@Controller('reminders')
@UseGuards(JwtAuthGuard)
export class RemindersController {
  constructor(
    private readonly reminders: KyselyReminderStore,
    private readonly scheduler: ReminderScheduler,
  ) {}

  /**
   * Creates a one-off (`dueAt`) or recurring (`cron` + `timezone`) reminder; each occurrence is
   * pushed as `schedule-reminder` when due.
   */
  @Post()
  @HttpCode(HttpStatus.CREATED)
  async create(@CurrentUser() user: AuthUser, @Body() body: CreateReminderDto): Promise<Reminder> {
    const common = { userId: user.sub, title: body.title, body: body.body };
    let reminder: Reminder;
    try {
      reminder = await this.reminders.create(
        body.cron !== undefined
          ? { ...common, cron: body.cron, timezone: body.timezone! }
          : { ...common, dueAt: Date.parse(body.dueAt!) },
      );
    } catch (error) {
      if (!(error instanceof ReminderScheduleError)) throw error;
      const failure: ValidationFailureBody = {
        statusCode: 400,
        error: 'Bad Request',
        message: validationFailed(),
        details: [{ field: 'cron', constraints: { schedule: error.problem } }],
      };
      throw new BadRequestException(failure);
    }
    // The scheduler's timer may be set for later than this one.
    void this.scheduler.wake();
    return reminder;
  }

  @Get()
  async list(
    @CurrentUser() user: AuthUser,
    @Query() query: ListRemindersQuery,
  ): Promise<{ items: Reminder[] }> {
    return { items: await this.reminders.list(user.sub, query.limit ?? DEFAULT_PAGE_SIZE) };
  }

  @Get(':id')
  async get(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<Reminder> {
    const reminder = await this.reminders.get(user.sub, id);
    if (reminder === undefined) throw new NotFoundException('No such reminder.');
    return reminder;
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  async remove(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<void> {
    if (!(await this.reminders.remove(user.sub, id))) {
      throw new NotFoundException('No such reminder.');
    }
  }
}

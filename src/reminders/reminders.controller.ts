import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import { BEARER } from '../openapi';
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
  Patch,
  Post,
  Query,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { ReminderScheduler, type Reminder } from '@nest-realtime/core';
import { type DeliveryLogTables } from '@nest-realtime/core/kysely';
import {
  KyselyReminderStore,
  ReminderScheduleError,
  type ReminderTables,
} from '@nest-realtime/core/reminders';
import { validationFailed } from '../config/config.messages';
import type { ValidationFailureBody } from '../config/validation';
import type { AuthUser } from '../auth/auth-user.interface';
import { DEFAULT_PAGE_SIZE, PageQuery, pageOf, type Page } from '../common/page';
import { CurrentUser } from '../auth/current-user.decorator';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import type { Kysely, Transaction } from 'kysely';
import { InjectDatabase, type DatabaseSchema } from '../database';
import { IdempotencyContext } from '../idempotency/idempotency.context';
import { IDEMPOTENCY_HEADER, IdempotencyInterceptor } from '../idempotency/idempotency.interceptor';
import { CreateReminderDto } from './dto/create-reminder.dto';
import { SnoozeReminderDto } from './dto/snooze-reminder.dto';
import { UpdateReminderDto } from './dto/update-reminder.dto';
import { parseRfc3339DateTime } from './dto/rfc3339-date-time.validator';

/** Your reminders. Someone else's is 404: its existence is not revealed. */
@ApiTags('reminders')
@ApiBearerAuth(BEARER)
@Controller('reminders')
@UseGuards(JwtAuthGuard)
export class RemindersController {
  constructor(
    private readonly reminders: KyselyReminderStore,
    private readonly scheduler: ReminderScheduler,
    @InjectDatabase() private readonly db: Kysely<DatabaseSchema>,
    private readonly idempotency: IdempotencyContext,
  ) {}

  /**
   * Creates a one-off (`dueAt`) or recurring (`cron` + `timezone`) reminder; each occurrence is
   * pushed as `schedule-reminder` when due.
   */
  @Post()
  @HttpCode(HttpStatus.CREATED)
  @UseInterceptors(IdempotencyInterceptor)
  @ApiHeader(IDEMPOTENCY_HEADER)
  async create(@CurrentUser() user: AuthUser, @Body() body: CreateReminderDto): Promise<Reminder> {
    const common = { userId: user.sub, title: body.title, body: body.body };
    let reminder: Reminder;
    try {
      // With an Idempotency-Key, the answer commits with the reminder: a crash leaves both or
      // neither.
      reminder = await this.db.transaction().execute(async (trx) => {
        const created = await this.reminders.create(
          body.cron !== undefined
            ? { ...common, cron: body.cron, timezone: body.timezone! }
            : { ...common, dueAt: parseRfc3339DateTime(body.dueAt)! },
          trx as unknown as Transaction<DeliveryLogTables & ReminderTables>,
        );
        await this.idempotency.completeIn(trx, created);
        return created;
      });
    } catch (error) {
      throw asBadRequest(error);
    }
    // The scheduler's timer may be set for later than this one.
    void this.scheduler.wake();
    return reminder;
  }

  /** Your reminders, newest first: `?limit=20&before=<id>`; `nextBefore` continues. */
  @Get()
  async list(@CurrentUser() user: AuthUser, @Query() query: PageQuery): Promise<Page<Reminder>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const items = await this.reminders.list(user.sub, limit, query.before);
    if (items === undefined) throw new NotFoundException('No such reminder.');
    return pageOf(items, limit);
  }

  @Get(':id')
  async get(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<Reminder> {
    const reminder = await this.reminders.get(user.sub, id);
    if (reminder === undefined) throw new NotFoundException('No such reminder.');
    return reminder;
  }

  /** Changes title, body or schedule. */
  @Patch(':id')
  async update(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Body() body: UpdateReminderDto,
  ): Promise<Reminder> {
    let reminder: Reminder | undefined;
    try {
      reminder = await this.reminders.update(user.sub, id, {
        title: body.title,
        body: body.body,
        dueAt: body.dueAt === undefined ? undefined : (parseRfc3339DateTime(body.dueAt) ?? NaN),
        cron: body.cron,
        timezone: body.timezone,
      });
    } catch (error) {
      throw asBadRequest(error);
    }
    if (reminder === undefined) throw new NotFoundException('No such reminder.');
    void this.scheduler.wake();
    return reminder;
  }

  /** Fires the reminder again `minutes` from now. */
  @Post(':id/snooze')
  @HttpCode(HttpStatus.OK)
  async snooze(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Body() body: SnoozeReminderDto,
  ): Promise<Reminder> {
    const reminder = await this.reminders.snooze(user.sub, id, body.minutes);
    if (reminder === undefined) throw new NotFoundException('No such reminder.');
    void this.scheduler.wake();
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

/** A schedule the store cannot keep is the client's mistake: 400 naming `cron`. */
function asBadRequest(error: unknown): unknown {
  if (!(error instanceof ReminderScheduleError)) return error;
  const failure: ValidationFailureBody = {
    statusCode: 400,
    error: 'Bad Request',
    message: validationFailed(),
    details: [{ field: 'cron', constraints: { schedule: error.problem } }],
  };
  return new BadRequestException(failure);
}

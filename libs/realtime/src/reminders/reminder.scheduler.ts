import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { DurableDelivery } from '../durable/durable-delivery.service';
import type { ResolvedRealtimeOptions } from '../options/resolved-realtime-options.interface';
import {
  REALTIME_OPTIONS,
  REMINDER_SWEEP_INTERVAL_NAME,
  REMINDER_TIMER_NAME,
} from '../realtime.constants';
import * as messages from '../realtime.messages';
import type { KyselyReminderStore } from './kysely-reminder.store';

/** Reminders fired per transaction. */
const ROUND_SIZE = 500;

/**
 * Fires due reminders. The database is the source of truth: a timer (`realtime:reminder-next`)
 * wakes the scheduler when the next reminder is due, a sweep (`realtime:reminder-sweep`) runs
 * as a safety net, and a round at startup fires what came due while the server was down (with
 * its original `dueAt`). Each round claims, logs and advances in one transaction, then pushes
 * live through {@link DurableDelivery}.
 */
@Injectable()
export class ReminderScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('ReminderScheduler');
  private readonly store: KyselyReminderStore | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    @Inject(REALTIME_OPTIONS) private readonly options: ResolvedRealtimeOptions,
    private readonly delivery: DurableDelivery,
    private readonly schedulerRegistry: SchedulerRegistry,
  ) {
    this.store = options.reminderStore;
  }

  onApplicationBootstrap(): void {
    if (this.store === undefined) return;
    const sweep = setInterval(() => void this.wake(), this.options.reminderSweepIntervalMs);
    sweep.unref();
    this.schedulerRegistry.addInterval(REMINDER_SWEEP_INTERVAL_NAME, sweep);
    void this.wake();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    for (const [kind, name] of [
      ['interval', REMINDER_SWEEP_INTERVAL_NAME],
      ['timeout', REMINDER_TIMER_NAME],
    ] as const) {
      if (this.schedulerRegistry.doesExist(kind, name)) {
        if (kind === 'interval') this.schedulerRegistry.deleteInterval(name);
        else this.schedulerRegistry.deleteTimeout(name);
      }
    }
    await this.running;
  }

  /**
   * Fires whatever is due and re-arms the timer. Call it after creating or changing a
   * reminder so that an earlier due time is not left to the sweep.
   */
  wake(): Promise<void> {
    if (this.store === undefined || this.stopped) return Promise.resolve();
    if (this.running !== undefined) {
      this.again = true;
      return this.running;
    }
    this.running = this.runRounds(this.store).finally(() => {
      this.running = undefined;
      if (this.again && !this.stopped) {
        this.again = false;
        void this.wake();
      }
    });
    return this.running;
  }

  private async runRounds(store: KyselyReminderStore): Promise<void> {
    try {
      for (;;) {
        const { result } = await this.delivery.commit(async () => {
          const round = await store.fireDue(ROUND_SIZE);
          return { written: round.written, result: round.fired };
        });
        if (result < ROUND_SIZE || this.stopped) break;
      }
      if (!this.stopped) this.arm(await store.nextDueAt());
    } catch (error) {
      // The sweep retries; nothing was committed for the failed round.
      this.logger.error(
        messages.reminderRoundFailed(),
        error instanceof Error ? error.stack : String(error),
      );
    }
  }

  /** Sets the timer for the next due reminder (never longer than a sweep interval). */
  private arm(nextDueAt: number | undefined): void {
    if (this.schedulerRegistry.doesExist('timeout', REMINDER_TIMER_NAME)) {
      this.schedulerRegistry.deleteTimeout(REMINDER_TIMER_NAME);
    }
    if (nextDueAt === undefined || this.stopped) return;
    const delay = Math.min(
      Math.max(0, nextDueAt - Date.now()),
      this.options.reminderSweepIntervalMs,
    );
    const timer = setTimeout(() => void this.wake(), delay);
    timer.unref();
    this.schedulerRegistry.addTimeout(REMINDER_TIMER_NAME, timer);
  }
}

import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DurableDelivery } from '../durable/durable-delivery.service';
import type { ResolvedRealtimeOptions } from '../options/resolved-realtime-options.interface';
import { REALTIME_OPTIONS } from '../realtime.constants';
import * as messages from '../realtime.messages';
import type { ReminderStore } from './reminder.store';

/** Reminders fired per transaction. */
const ROUND_SIZE = 500;

/**
 * Fires due reminders. The database is the source of truth: a timer wakes the scheduler when
 * the next reminder is due, a sweep every `reminderSweepIntervalMs` runs as a safety net (both
 * the module's own timers, not the host's `SchedulerRegistry`), and a round at startup fires what came due while the server was down (with
 * its original `dueAt`). Each round claims, logs and advances in one transaction, then pushes
 * live through {@link DurableDelivery}.
 */
@Injectable()
export class ReminderScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('ReminderScheduler');
  private readonly store: ReminderStore | undefined;
  private sweep: NodeJS.Timeout | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    @Inject(REALTIME_OPTIONS) private readonly options: ResolvedRealtimeOptions,
    private readonly delivery: DurableDelivery,
  ) {
    this.store = options.reminderStore;
  }

  onApplicationBootstrap(): void {
    if (this.store === undefined) return;
    this.sweep = setInterval(() => void this.wake(), this.options.reminderSweepIntervalMs);
    this.sweep.unref();
    void this.wake();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.sweep);
    clearTimeout(this.timer);
    this.sweep = this.timer = undefined;
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

  private async runRounds(store: ReminderStore): Promise<void> {
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
    clearTimeout(this.timer);
    this.timer = undefined;
    if (nextDueAt === undefined || this.stopped) return;
    const delay = Math.min(
      Math.max(0, nextDueAt - Date.now()),
      this.options.reminderSweepIntervalMs,
    );
    this.timer = setTimeout(() => void this.wake(), delay);
    this.timer.unref();
  }
}

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
import { RealtimeMetrics } from '../metrics/realtime-metrics';
import type { DeliveryLogEntry } from '../durable/delivery-log-entry.interface';

/** What a run of rounds fired, for the catch-up line. */
interface CatchUpTotals {
  reminders: number;
  entries: number;
  maxLatenessMs: number;
}

/** Reminders fired per transaction. */
const ROUND_SIZE = 500;

/**
 * Wait before looking again when a round claimed nothing although something is due: another
 * instance holds those rows (`SKIP LOCKED`) and fires them, or its transaction ends and frees
 * them. Looking again at once would query in a loop until then.
 */
const CLAIMED_ELSEWHERE_RETRY_MS = 100;

/**
 * Fires due reminders. The database is the source of truth: a timer wakes the scheduler when
 * the next reminder is due, a sweep every `reminderSweepIntervalMs` runs as a safety net (both
 * the module's own timers, not the host's `SchedulerRegistry`), and a round at startup fires
 * what came due while the server was down (with its original `dueAt`). Each round claims, logs
 * and advances in one transaction, then pushes live through {@link DurableDelivery}. The timer's
 * delay comes from the store's clock when the store can tell ({@link ReminderStore.nextDueIn}),
 * so several instances on one database agree on "now" whatever their own clocks say. The run at
 * startup and the first one after a failure log their totals at info (`Reminder catch-up …`).
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
  /**
   * Why the next run is a catch-up whose totals are logged: the first run at startup fires what
   * came due while no instance was running, the first run after a failed one what came due
   * during the outage. Undefined for the ordinary runs the timer makes (no line per firing).
   */
  private catchUp: 'startup' | 'recovery' | undefined = 'startup';

  constructor(
    @Inject(REALTIME_OPTIONS) private readonly options: ResolvedRealtimeOptions,
    private readonly delivery: DurableDelivery,
    private readonly metrics: RealtimeMetrics,
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
    const totals: CatchUpTotals = { reminders: 0, entries: 0, maxLatenessMs: 0 };
    try {
      let fired: number;
      for (;;) {
        const { result: round } = await this.delivery.commit(async () => {
          const result = await store.fireDue(ROUND_SIZE);
          return { written: result.written, result };
        });
        fired = round.fired;
        totals.reminders += fired;
        totals.entries += round.written.length;
        this.countLateness(totals, round.written);
        if (fired < ROUND_SIZE || this.stopped) break;
      }
      this.logCatchUp(totals);
      if (this.stopped) return;
      const delay = await this.nextDelay(store);
      this.arm(
        delay === 0 && fired === 0
          ? Math.min(CLAIMED_ELSEWHERE_RETRY_MS, this.options.reminderSweepIntervalMs)
          : delay,
      );
    } catch (error) {
      // The sweep retries; nothing was committed for the failed round. The next run that
      // succeeds logs its totals (rounds of this run that committed are only in the histogram).
      this.catchUp ??= 'recovery';
      this.logger.error(
        messages.reminderRoundFailed(),
        error instanceof Error ? error.stack : String(error),
      );
    }
  }

  /**
   * How late each fired occurrence is: its firing time after its due time (the store's clock),
   * into the histogram and the run's totals.
   */
  private countLateness(totals: CatchUpTotals, written: readonly DeliveryLogEntry[]): void {
    for (const entry of written) {
      const firing = entry.data as { dueAt?: unknown; firedAt?: unknown };
      if (typeof firing.dueAt !== 'string' || typeof firing.firedAt !== 'string') continue;
      const lateness = Date.parse(firing.firedAt) - Date.parse(firing.dueAt);
      if (!Number.isFinite(lateness)) continue;
      const late = Math.max(0, lateness);
      this.metrics.reminderLatenessMs.observe(late);
      if (late > totals.maxLatenessMs) totals.maxLatenessMs = late;
    }
  }

  /**
   * One info line with the totals of a catch-up run (at startup, after a failed run), so an
   * operator sees what an outage left to fire and how late it went out. Ordinary runs are quiet.
   */
  private logCatchUp(totals: CatchUpTotals): void {
    const reason = this.catchUp;
    if (reason === undefined) return;
    this.catchUp = undefined;
    this.logger.log(
      messages.reminderCatchUp(reason, totals.reminders, totals.entries, totals.maxLatenessMs),
    );
  }

  /**
   * Ms until the next due reminder, on the store's clock when it can tell (the database's: an
   * instance whose clock runs ahead must not see everything as due and query in a loop).
   */
  private async nextDelay(store: ReminderStore): Promise<number | undefined> {
    if (store.nextDueIn !== undefined) return store.nextDueIn();
    const nextDueAt = await store.nextDueAt();
    return nextDueAt === undefined ? undefined : Math.max(0, nextDueAt - Date.now());
  }

  /** Sets the timer to `delay` ms (never longer than a sweep interval). */
  private arm(delay: number | undefined): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (delay === undefined || this.stopped) return;
    this.timer = setTimeout(
      () => void this.wake(),
      Math.min(delay, this.options.reminderSweepIntervalMs),
    );
    this.timer.unref();
  }
}

import type { DeliveryLogEntry } from '../durable/delivery-log-entry.interface';

/** What one firing round wrote and advanced. */
export interface FiringRound {
  /** Log entries written (push them live after the commit). */
  written: DeliveryLogEntry[];
  /** Reminders claimed and advanced (an occurrence logged before is not logged again). */
  fired: number;
}

/**
 * What {@link ReminderScheduler} needs of a reminder store. `KyselyReminderStore` (from
 * `@nest-realtime/core/reminders`) implements it; the module itself never loads a database
 * library, so an app without reminders installs none.
 */
export interface ReminderStore {
  /** The earliest pending occurrence, ms since the epoch; `undefined` when none is pending. */
  nextDueAt(): Promise<number | undefined>;
  /**
   * Ms until the earliest pending occurrence, measured on the clock `fireDue` decides with (0
   * when it is due already); `undefined` when none is pending. Optional: without it the
   * scheduler subtracts this process's clock from {@link nextDueAt}, which is only right when
   * both clocks agree (an instance whose clock is fast would see everything as due and query
   * in a tight loop).
   */
  nextDueIn?(): Promise<number | undefined>;
  /**
   * Claims up to `limit` due occurrences, logs each in its owner's delivery log and advances
   * the reminders, all in one transaction.
   */
  fireDue(limit: number): Promise<FiringRound>;
}

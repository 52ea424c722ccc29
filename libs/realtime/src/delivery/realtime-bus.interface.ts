import type { DeliveryTarget } from './delivery-target';
import type { SequencedFrame } from '../durable/sequenced-frame';
import type { PreparedFrame } from './prepared-frame';

/**
 * Carries encoded frames to the connections they are for. The local bus delivers in this
 * process; a cluster bus also forwards `frame.payload` to the other instances, which deliver
 * locally.
 */
export interface RealtimeBus {
  /**
   * Delivers `frame` (encoded once, shared by every recipient) to `target`.
   *
   * @returns how many sockets of this instance it was written to.
   */
  publish(target: DeliveryTarget, frame: PreparedFrame): number;

  /**
   * Closes every connection of `userId` with `code` and `reason` — on every instance, for a
   * cluster bus — and forgets them at once.
   *
   * @returns how many sockets of this instance it closed.
   */
  disconnectUser(userId: string, code: number, reason: string): number;

  /**
   * Forwards a committed durable entry to the other instances (a cluster bus), which push it
   * to their connections of its user in seq order. This instance's connections get it from
   * the committing code, not from here. A single-process bus leaves it out.
   */
  forwardDurable?(item: SequencedFrame): void;
}

import type { DeliveryTarget } from './delivery-target';

/**
 * Carries encoded frames to the connections they are for. The local bus delivers in this
 * process; a cluster bus also forwards to the other instances, which deliver locally.
 */
export interface RealtimeBus {
  /**
   * Delivers `payload` (one encoded frame, shared by every recipient) to `target`.
   *
   * @returns how many sockets of this instance it was written to.
   */
  publish(target: DeliveryTarget, payload: Buffer): number;
}

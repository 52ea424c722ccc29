import { Inject, Injectable } from '@nestjs/common';
import { RealtimeCloseCode, RealtimeCloseReason } from '../protocol/realtime-codes';
import { REALTIME_BUS } from '../realtime.constants';
import { encodeFrame } from '../protocol/frame.codec';
import { PreparedFrame } from './prepared-frame';
import type { RealtimeBus } from './realtime-bus.interface';

/** Extra fields of a pushed frame, for durable messages. */
export interface PushOptions {
  /** Position in the recipient's durable log. */
  seq?: number;
  /** Unique id of a durable message. */
  id?: string;
}

/**
 * Pushes frames `{"type", "data"}` to connections. Each call serializes its frame once, whatever
 * the number of recipients, and returns how many sockets of this instance it reached (a socket
 * that is closing, or whose send buffer is over the limit, is not reached).
 */
@Injectable()
export class RealtimePublisher {
  constructor(@Inject(REALTIME_BUS) private readonly bus: RealtimeBus) {}

  /** To every connection (every device) of a user. */
  toUser<T>(userId: string, type: string, data: T, options?: PushOptions): number {
    return this.bus.publish({ kind: 'user', userId }, encode(type, data, options));
  }

  /** To every member of a room. */
  toRoom<T>(room: string, type: string, data: T, options?: PushOptions): number {
    return this.bus.publish({ kind: 'room', room }, encode(type, data, options));
  }

  /** To every open connection. */
  toAll<T>(type: string, data: T, options?: PushOptions): number {
    return this.bus.publish({ kind: 'all' }, encode(type, data, options));
  }

  /**
   * Signs a user out of every connection: closes each of the user's sockets, on every instance
   * of a cluster, with 1008 and reason `signed out` (or the `code` and `reason` given), and
   * forgets them at once. Revoking the user's credentials, so that a reconnect is refused, is
   * the app's part.
   *
   * @returns how many sockets of this instance it closed.
   */
  disconnectUser(
    userId: string,
    code: number = RealtimeCloseCode.POLICY_VIOLATION,
    reason: string = RealtimeCloseReason.SIGNED_OUT,
  ): number {
    return this.bus.disconnectUser(userId, code, reason);
  }

  /** To one connection. */
  toConnection<T>(connectionId: string, type: string, data: T, options?: PushOptions): number {
    return this.bus.publish({ kind: 'connection', connectionId }, encode(type, data, options));
  }
}

function encode(type: string, data: unknown, options: PushOptions | undefined): PreparedFrame {
  if (options === undefined) return PreparedFrame.fromJson(encodeFrame({ type, data }));
  return PreparedFrame.fromJson(encodeFrame({ type, seq: options.seq, id: options.id, data }));
}

import { Inject, Injectable } from '@nestjs/common';
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

  /** To one connection. */
  toConnection<T>(connectionId: string, type: string, data: T, options?: PushOptions): number {
    return this.bus.publish({ kind: 'connection', connectionId }, encode(type, data, options));
  }
}

function encode(type: string, data: unknown, options: PushOptions | undefined): PreparedFrame {
  if (options === undefined) return PreparedFrame.fromJson(encodeFrame({ type, data }));
  return PreparedFrame.fromJson(encodeFrame({ type, seq: options.seq, id: options.id, data }));
}

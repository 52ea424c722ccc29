import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { REALTIME_OPTIONS } from '../realtime.constants';
import { ConnectionSender } from '../delivery/connection.sender';
import { PreparedFrame } from '../delivery/prepared-frame';
import type { ResolvedRealtimeOptions } from '../options/resolved-realtime-options.interface';
import { encodeFrame } from '../protocol/frame.codec';
import { ConnectionRegistry } from '../registry/connection-registry';

/**
 * Ticks per heartbeat interval. Each tick pings only the connections whose turn has come, so
 * the pings of an interval are spread over it instead of going out in one burst: a burst of
 * 10 000 pings (and the 10 000 pongs that answer it) would hold up every push of the instance
 * for tens of milliseconds at once.
 */
const TICKS_PER_INTERVAL = 10;

/**
 * Protocol-level heartbeat. Every `heartbeatIntervalMs` each connection that answered the
 * previous ping gets a new one; one that did not is terminated and forgotten at once, so a peer
 * that vanished without a close (a pulled cable, a sleeping laptop) does not linger: within
 * about two intervals (plus a tenth) of its last pong. Each connection's first ping comes at a
 * random point of its first interval, which spreads the pings of connections that arrived
 * together (after a restart, every client at once) over the whole interval.
 * With `heartbeatFrames` on, each ping also carries the text frame `{"type":"heartbeat"}` (one
 * encoding shared by every beat), for clients that cannot see protocol pings; the adapter then
 * counts any inbound frame as the answer.
 * The timer is the module's own (not the host's `SchedulerRegistry`), cleared at shutdown.
 */
@Injectable()
export class HeartbeatService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private interval: NodeJS.Timeout | undefined;
  /** The application-level heartbeat frame, when `heartbeatFrames` is on. */
  private readonly heartbeatFrame: PreparedFrame | undefined;

  constructor(
    @Inject(REALTIME_OPTIONS) private readonly options: ResolvedRealtimeOptions,
    private readonly registry: ConnectionRegistry,
    private readonly sender: ConnectionSender,
  ) {
    this.heartbeatFrame = options.heartbeatFrames
      ? PreparedFrame.fromJson(encodeFrame({ type: 'heartbeat' }))
      : undefined;
  }

  onApplicationBootstrap(): void {
    const tick = Math.max(1, Math.floor(this.options.heartbeatIntervalMs / TICKS_PER_INTERVAL));
    this.interval = setInterval(() => this.beat(), tick);
    this.interval.unref();
  }

  beforeApplicationShutdown(): void {
    clearInterval(this.interval);
    this.interval = undefined;
  }

  /** One tick: of the connections whose turn has come, terminate the silent, ping the rest. */
  beat(): void {
    const now = Date.now();
    const period = this.options.heartbeatIntervalMs;
    for (const connection of this.registry.all()) {
      if (connection.beatDueAt === 0) {
        connection.beatDueAt = now + Math.random() * period;
        continue;
      }
      if (now < connection.beatDueAt) continue;
      connection.beatDueAt = now + period;
      if (!connection.alive) {
        this.registry.remove(connection);
        connection.socket.terminate();
        continue;
      }
      connection.alive = false;
      connection.socket.ping();
      if (this.heartbeatFrame !== undefined) {
        this.sender.sendPrepared(connection, this.heartbeatFrame);
      }
    }
  }
}

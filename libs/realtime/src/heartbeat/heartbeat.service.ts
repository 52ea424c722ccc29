import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { REALTIME_OPTIONS } from '../realtime.constants';
import type { ResolvedRealtimeOptions } from '../options/resolved-realtime-options.interface';
import { ConnectionRegistry } from '../registry/connection-registry';

/**
 * Protocol-level heartbeat. Every `heartbeatIntervalMs` each connection that answered the
 * previous ping gets a new one; one that did not is terminated and forgotten at once, so a peer
 * that vanished without a close (a pulled cable, a sleeping laptop) does not linger.
 * The interval is the module's own timer (not the host's `SchedulerRegistry`), cleared at shutdown.
 */
@Injectable()
export class HeartbeatService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private interval: NodeJS.Timeout | undefined;

  constructor(
    @Inject(REALTIME_OPTIONS) private readonly options: ResolvedRealtimeOptions,
    private readonly registry: ConnectionRegistry,
  ) {}

  onApplicationBootstrap(): void {
    this.interval = setInterval(() => this.beat(), this.options.heartbeatIntervalMs);
    this.interval.unref();
  }

  beforeApplicationShutdown(): void {
    clearInterval(this.interval);
    this.interval = undefined;
  }

  /** One round: terminate the silent, ping the rest. */
  beat(): void {
    for (const connection of this.registry.all()) {
      if (!connection.alive) {
        this.registry.remove(connection);
        connection.socket.terminate();
        continue;
      }
      connection.alive = false;
      connection.socket.ping();
    }
  }
}

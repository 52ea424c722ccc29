import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { HEARTBEAT_INTERVAL_NAME, REALTIME_OPTIONS } from '../realtime.constants';
import type { ResolvedRealtimeOptions } from '../options/resolved-realtime-options.interface';
import { ConnectionRegistry } from '../registry/connection-registry';

/**
 * Protocol-level heartbeat. Every `heartbeatIntervalMs` each connection that answered the
 * previous ping gets a new one; one that did not is terminated and forgotten at once, so a peer
 * that vanished without a close (a pulled cable, a sleeping laptop) does not linger.
 * The interval is registered in `SchedulerRegistry` as `realtime:heartbeat`.
 */
@Injectable()
export class HeartbeatService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    @Inject(REALTIME_OPTIONS) private readonly options: ResolvedRealtimeOptions,
    private readonly registry: ConnectionRegistry,
    private readonly schedulerRegistry: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    const interval = setInterval(() => this.beat(), this.options.heartbeatIntervalMs);
    interval.unref();
    this.schedulerRegistry.addInterval(HEARTBEAT_INTERVAL_NAME, interval);
  }

  beforeApplicationShutdown(): void {
    if (this.schedulerRegistry.doesExist('interval', HEARTBEAT_INTERVAL_NAME)) {
      this.schedulerRegistry.deleteInterval(HEARTBEAT_INTERVAL_NAME);
    }
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

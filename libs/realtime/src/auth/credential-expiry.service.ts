import {
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { RealtimeCloseCode, RealtimeCloseReason } from '../protocol/realtime-codes';
import { ConnectionRegistry } from '../registry/connection-registry';
import type { RealtimeConnection } from '../registry/realtime-connection';

/** How often expiries are checked; JWT `exp` has one-second resolution anyway. */
const TICK_MS = 1000;

/**
 * Closes a connection with 1008 when its credential expires. Connections are bucketed by the
 * second they expire in and one interval of the module's own
 * sweeps due buckets, so ten thousand connections cost ten thousand set entries, not ten
 * thousand timers.
 */
@Injectable()
export class CredentialExpiryService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly buckets = new Map<number, Set<RealtimeConnection>>();
  private interval: NodeJS.Timeout | undefined;

  constructor(private readonly registry: ConnectionRegistry) {}

  onApplicationBootstrap(): void {
    this.interval = setInterval(() => this.sweep(Date.now()), TICK_MS);
    this.interval.unref();
  }

  beforeApplicationShutdown(): void {
    clearInterval(this.interval);
    this.interval = undefined;
  }

  /** Starts watching a connection whose principal has an expiry. */
  track(connection: RealtimeConnection): void {
    const expiresAt = connection.principal.expiresAt;
    if (expiresAt === undefined) return;
    if (expiresAt <= Date.now()) {
      this.expire(connection);
      return;
    }
    const second = Math.ceil(expiresAt / 1000);
    let bucket = this.buckets.get(second);
    if (bucket === undefined) {
      bucket = new Set();
      this.buckets.set(second, bucket);
    }
    bucket.add(connection);
  }

  /** Stops watching a connection (it closed). */
  untrack(connection: RealtimeConnection): void {
    const expiresAt = connection.principal.expiresAt;
    if (expiresAt === undefined) return;
    const second = Math.ceil(expiresAt / 1000);
    const bucket = this.buckets.get(second);
    if (bucket === undefined) return;
    bucket.delete(connection);
    if (bucket.size === 0) this.buckets.delete(second);
  }

  /** Closes every connection whose credential expired by `now` (ms since the epoch). */
  sweep(now: number): void {
    const nowSecond = Math.floor(now / 1000);
    for (const [second, bucket] of this.buckets) {
      if (second > nowSecond) continue;
      this.buckets.delete(second);
      for (const connection of bucket) this.expire(connection);
    }
  }

  private expire(connection: RealtimeConnection): void {
    this.registry.remove(connection);
    connection.socket.close(
      RealtimeCloseCode.POLICY_VIOLATION,
      RealtimeCloseReason.CREDENTIAL_EXPIRED,
    );
  }
}

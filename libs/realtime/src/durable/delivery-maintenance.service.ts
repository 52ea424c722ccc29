import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { ResolvedRealtimeOptions } from '../options/resolved-realtime-options.interface';
import { REALTIME_OPTIONS } from '../realtime.constants';
import { RealtimeMetrics } from '../metrics/realtime-metrics';
import * as messages from '../realtime.messages';

/** Undelivered entries reported per hook call. */
const UNDELIVERED_BATCH = 500;

/**
 * Keeps the delivery log in shape on an interval of its own (`maintenanceIntervalMs`): prunes what
 * `retention` no longer keeps, and hands entries nobody acknowledged within
 * `undeliveredAfterMs` to `onUndelivered`: at least once each, as an entry is marked reported
 * only after the hook returned (one that throws gets the same entries on the next run).
 */
@Injectable()
export class DeliveryMaintenance implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('DeliveryMaintenance');
  private running: Promise<void> | undefined;
  private interval: NodeJS.Timeout | undefined;

  constructor(
    @Inject(REALTIME_OPTIONS) private readonly options: ResolvedRealtimeOptions,
    private readonly metrics: RealtimeMetrics,
  ) {}

  onApplicationBootstrap(): void {
    const { deliveryLog, retention, onUndelivered } = this.options;
    if (deliveryLog === undefined || (retention === undefined && onUndelivered === undefined)) {
      return;
    }
    this.interval = setInterval(() => void this.run(), this.options.maintenanceIntervalMs);
    this.interval.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.interval);
    this.interval = undefined;
    await this.running;
  }

  /** One sweep (skipped while the previous one is still running). */
  run(now = Date.now()): Promise<void> {
    this.running ??= this.sweep(now).finally(() => (this.running = undefined));
    return this.running;
  }

  private async sweep(now: number): Promise<void> {
    const { deliveryLog, retention, undeliveredAfterMs, onUndelivered } = this.options;
    if (deliveryLog === undefined) return;
    try {
      if (retention !== undefined) await deliveryLog.prune(retention, now);
      if (undeliveredAfterMs !== undefined && onUndelivered !== undefined) {
        for (;;) {
          const reported = await deliveryLog.takeUndelivered(
            now - undeliveredAfterMs,
            UNDELIVERED_BATCH,
            (entries) => {
              this.metrics.undeliveredEntries += entries.length;
              return onUndelivered(entries);
            },
          );
          if (reported < UNDELIVERED_BATCH) break;
        }
      }
    } catch (error) {
      this.logger.error(
        messages.maintenanceFailed(),
        error instanceof Error ? error.stack : String(error),
      );
    }
  }
}

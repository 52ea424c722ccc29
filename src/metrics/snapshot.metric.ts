import type { Metric, Registry } from 'prom-client';

/** One sample of a metric read from a snapshot. */
export interface SnapshotSample {
  value: number;
  labels?: Record<string, string | number>;
  /** For histogram parts: `<name>_bucket`, `<name>_sum`, `<name>_count`. */
  metricName?: string;
}

/**
 * A Prometheus metric whose samples are read when scraped, from counters that live elsewhere
 * (the realtime library's, which does not depend on prom-client). Registered on a `Registry` like
 * prom-client's own metrics, which only need `name` and `get()`.
 */
export class SnapshotMetric {
  readonly aggregator = 'sum' as const;

  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'gauge' | 'histogram',
    private readonly read: () => SnapshotSample[] | Promise<SnapshotSample[]>,
  ) {}

  /** What prom-client's registry reads to write the metric (its `# TYPE` is `type` as it is). */
  async get(): Promise<{
    name: string;
    help: string;
    type: string;
    aggregator: 'sum';
    values: SnapshotSample[];
  }> {
    const values = await this.read();
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values,
    };
  }

  /** The counters it reads are the library's; there is nothing of its own to reset. */
  reset(): void {}
}

/** Registers snapshot metrics on a prom-client registry, which needs only `name` and `get()`. */
export function registerSnapshotMetrics(registry: Registry, metrics: SnapshotMetric[]): void {
  for (const metric of metrics) registry.registerMetric(metric as unknown as Metric);
}

/** A histogram as read: cumulative counts per upper bound, as Prometheus exposes them. */
export interface HistogramSnapshot {
  /** Upper bounds, ascending (`+Inf` is implied: it is {@link count}). */
  readonly bounds: readonly number[];
  /** Observations at or below each bound, cumulative. */
  readonly cumulative: readonly number[];
  readonly sum: number;
  readonly count: number;
}

/**
 * Counts observations into fixed buckets: one array write per observation, nothing allocated.
 * Read with {@link snapshot}, in Prometheus' cumulative form.
 */
export class MetricHistogram {
  private readonly counts: number[];
  private sum = 0;
  private count = 0;

  constructor(readonly bounds: readonly number[]) {
    this.counts = new Array<number>(bounds.length + 1).fill(0);
  }

  observe(value: number): void {
    const bounds = this.bounds;
    let index = 0;
    while (index < bounds.length && value > bounds[index]) index++;
    this.counts[index]++;
    this.sum += value;
    this.count++;
  }

  snapshot(): HistogramSnapshot {
    const cumulative: number[] = [];
    let running = 0;
    for (let index = 0; index < this.bounds.length; index++) {
      running += this.counts[index];
      cumulative.push(running);
    }
    return { bounds: this.bounds, cumulative, sum: this.sum, count: this.count };
  }
}

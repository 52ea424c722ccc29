/** The median of some numbers (mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The q-quantile (0..1) by nearest rank. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** Median with the spread, for a table cell: `12.3 (11.9–13.0)`. */
export function summarize(
  values: readonly number[],
  digits = 2,
): { median: number; min: number; max: number; text: string } {
  const m = median(values);
  const min = Math.min(...values);
  const max = Math.max(...values);
  const text =
    values.length > 1
      ? `${m.toFixed(digits)} (${min.toFixed(digits)}–${max.toFixed(digits)})`
      : m.toFixed(digits);
  return { median: m, min, max, text };
}

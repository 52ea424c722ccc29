import type { ScenarioReport, TargetResult } from './harness';
import { summarize } from './stats';

/** What `npm run bench` writes to `bench/results/latest.json`. */
export interface BenchResult {
  date: string;
  machine: string;
  command: string;
  smoke: boolean;
  reps: number;
  baseline: string;
  reports: ScenarioReport[];
  targets: TargetResult[];
}

/** A markdown table: one row per scenario × metric × kind. */
export function renderTable(reports: readonly ScenarioReport[]): string {
  const lines = ['| scenario | metric | server | value | vs raw-best |', '|---|---|---|---|---|'];
  for (const report of reports) {
    const parameters = Object.entries(report.parameters)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(' ');
    for (const row of report.measurements) {
      const value = summarize(row.values, row.unit === 'msg/s' ? 0 : 3);
      const ratio = row.ratios === undefined ? '' : summarize(row.ratios, 2).text + '×';
      lines.push(
        `| ${report.scenario} ${parameters} | ${row.metric} | ${row.kind} | ${value.text} ${row.unit} | ${ratio} |`,
      );
    }
  }
  return lines.join('\n');
}

/**
 * A markdown table of the targets: a ratio (`ours ÷ raw-best`) or an absolute value, median
 * (min–max) over repetitions.
 */
export function renderTargets(targets: readonly TargetResult[]): string {
  const lines = [
    '| scenario | metric | of | measured | target | met |',
    '|---|---|---|---|---|---|',
  ];
  for (const target of targets) {
    const parameters = Object.entries(target.parameters)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(' ');
    const kind = target.kind ?? 'ours';
    let of: string = kind;
    if (target.against !== undefined) {
      of = `${kind} ÷ ${target.against}`;
      if (target.againstMetric !== undefined) of += ` ${target.againstMetric}`;
    }
    const unit = target.unit === undefined ? '×' : ` ${target.unit}`;
    const bounds = [
      ...(target.atLeast === undefined ? [] : [`≥ ${target.atLeast}${unit}`]),
      ...(target.atMost === undefined ? [] : [`≤ ${target.atMost}${unit}`]),
    ].join(', ');
    lines.push(
      `| ${target.scenario} ${parameters} | ${target.metric} | ${of} | ` +
        `${summarize(target.values, 2).text}${unit} | ${bounds} | ${target.met ? 'yes' : 'no'} |`,
    );
  }
  return lines.join('\n');
}

import { RpcChild } from './rpc';
import { median } from './stats';

/** Kinds of server in every scenario; `raw-best` is the baseline ratios are taken against. */
export const KINDS = ['ours', 'raw-best', 'raw-naive', 'socketio'] as const;
export type Kind = (typeof KINDS)[number];
export const BASELINE: Kind = 'raw-best';

/** Ours with a durable delivery log (and reminders) on SQLite or on PostgreSQL. */
export const DURABLE_KINDS = ['ours-sqlite', 'ours-postgres'] as const;
export type DurableKind = (typeof DURABLE_KINDS)[number];

/** Every server the harness can start. */
export type ServerKind = Kind | DurableKind;

/** What a scenario gets from the harness. */
export interface ScenarioContext {
  /** Tiny sizes, correctness only. */
  readonly smoke: boolean;
  /** Interleaved repetitions (each rep runs every kind once). */
  readonly reps: number;
  readonly kinds: readonly Kind[];
  /** The durable kinds this run starts (`ours-postgres` only when PostgreSQL is reachable). */
  readonly durableKinds: readonly DurableKind[];
  /** Starts a server of `kind` (pinned to core 0) and a load generator (core 1) for it. */
  start(kind: ServerKind): Promise<Pair>;
}

/** A server child and its load-generator child. */
export interface Pair {
  server: RpcChild;
  clients: RpcChild;
  url: string;
  stop(): Promise<void>;
}

/** One measured quantity of one kind, one value per repetition. */
export interface Measurement {
  metric: string;
  unit: string;
  kind: ServerKind;
  values: number[];
  /** Per-repetition ratio to the baseline kind's value of the same repetition. */
  ratios?: number[];
}

/**
 * A goal from an issue. Relative: `kind`'s value ÷ `against`'s value (of `againstMetric`) in
 * the same repetition. Absolute (no `against`): `kind`'s value itself. Judged on the median over
 * repetitions, against `atMost` and/or `atLeast`.
 */
export interface Target {
  metric: string;
  /** Whose value is judged. Default `ours`. */
  kind?: ServerKind;
  against?: ServerKind;
  /** The metric taken from `against`. Default `metric`. */
  againstMetric?: string;
  atMost?: number;
  atLeast?: number;
}

/** What a scenario reports. */
export interface ScenarioReport {
  scenario: string;
  parameters: Record<string, unknown>;
  measurements: Measurement[];
  /** The ratios this scenario is judged by. */
  targets?: Target[];
  /**
   * The run that measured this report, when it is not the run the results file describes: a
   * run narrowed with `--scenario` replaces only its scenarios' reports in the file.
   */
  run?: ReportRun;
}

/** Which run measured a report kept in a results file. */
export interface ReportRun {
  date: string;
  command: string;
  reps: number;
}

/** A target with what this run measured: per repetition (ratios, or values) and the median. */
export interface TargetResult extends Target {
  scenario: string;
  parameters: Record<string, unknown>;
  /** Ratios for a relative target, values in `unit` for an absolute one. */
  values: number[];
  /** Unit of an absolute target's values; absent for ratios. */
  unit?: string;
  median: number;
  met: boolean;
}

/** Each target's per-repetition ratios (or values) and whether their median meets it. */
export function judge(report: ScenarioReport): TargetResult[] {
  const results: TargetResult[] = [];
  for (const target of report.targets ?? []) {
    const row = (kind: ServerKind, metric: string) =>
      report.measurements.find((m) => m.metric === metric && m.kind === kind);
    const judged = row(target.kind ?? 'ours', target.metric);
    if (judged === undefined) continue;
    let values = judged.values;
    if (target.against !== undefined) {
      const against = row(target.against, target.againstMetric ?? target.metric);
      if (against === undefined) continue;
      values = judged.values.map((value, rep) => value / against.values[rep]);
    }
    const middle = median(values);
    results.push({
      ...target,
      scenario: report.scenario,
      parameters: report.parameters,
      values,
      ...(target.against === undefined ? { unit: judged.unit } : {}),
      median: middle,
      met:
        (target.atMost === undefined || middle <= target.atMost) &&
        (target.atLeast === undefined || middle >= target.atLeast),
    });
  }
  return results;
}

/** A benchmark scenario: one small file under bench/scenarios. */
export interface Scenario {
  name: string;
  run(context: ScenarioContext): Promise<ScenarioReport[]>;
}

/**
 * Starts a server and its load generator. With `BENCH_PROFILE_DIR` set (`npm run bench --
 * --profile=dir`), the server writes a V8 CPU profile there when it stops.
 */
export async function startPair(kind: ServerKind): Promise<Pair> {
  const profileDir = process.env.BENCH_PROFILE_DIR;
  const profiling = profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`];
  const server = RpcChild.start('servers/server.main.ts', [kind], 0, profiling);
  const { url } = (await server.ready) as { url: string };
  const clients = RpcChild.start('load/clients.main.ts', [kind, url], 1);
  await clients.ready;
  return {
    server,
    clients,
    url,
    stop: async () => {
      await Promise.allSettled([clients.call('closeAll')]);
      await Promise.allSettled([server.call('close')]);
      await Promise.all([clients.stop(), server.stop()]);
    },
  };
}

/**
 * Starts one pair per kind, prepares each with `setup`, runs `body` with all of them up, and
 * stops them all. Keeping every server up lets a scenario interleave its repetitions finely
 * (each kind measured in turn, many times) instead of restarting between them, so a slow drift
 * of this shared machine's speed lands on every kind alike.
 */
export async function withPairs<K extends ServerKind = Kind>(
  context: ScenarioContext,
  setup: (pair: Pair, kind: K) => Promise<void>,
  body: (pairs: ReadonlyMap<K, Pair>) => Promise<void>,
  kinds: readonly K[] = context.kinds as readonly K[],
): Promise<void> {
  const pairs = new Map<K, Pair>();
  try {
    for (const kind of kinds) {
      const pair = await context.start(kind);
      pairs.set(kind, pair);
      await setup(pair, kind);
    }
    await body(pairs);
  } finally {
    for (const pair of pairs.values()) await pair.stop();
  }
}

/** The kinds in the order repetition `rep` measures them: rotated, so none is always first. */
export function rotation<T>(items: readonly T[], rep: number): T[] {
  const shift = rep % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

/** Server CPU and wall time of one measured piece of work. */
export interface Cost {
  cpuUs: number;
  wallMs: number;
}

/**
 * Measures one repetition in `slices` pieces per kind, run round-robin (A B C D, B C D A, …),
 * and sums each kind's pieces. A burst of noise from this shared machine's neighbours then
 * lands on every kind alike instead of on whichever kind happened to be running.
 */
export async function measureSliced<K extends ServerKind>(
  kinds: readonly K[],
  rep: number,
  slices: number,
  piece: (kind: K) => Promise<Cost>,
): Promise<Map<K, Cost>> {
  const totals = new Map<K, Cost>(kinds.map((kind) => [kind, { cpuUs: 0, wallMs: 0 }]));
  for (let slice = 0; slice < slices; slice++) {
    for (const kind of rotation(kinds, rep + slice)) {
      const cost = await piece(kind);
      const total = totals.get(kind)!;
      total.cpuUs += cost.cpuUs;
      total.wallMs += cost.wallMs;
    }
  }
  return totals;
}

/** Runs `work` and returns it with the server's CPU and the wall time it took. */
export async function costOf<T>(pair: Pair, work: () => Promise<T>): Promise<Cost & { result: T }> {
  const cpuBefore = await pair.server.call<number>('cpu');
  const started = performance.now();
  const result = await work();
  const wallMs = performance.now() - started;
  const cpuUs = (await pair.server.call<number>('cpu')) - cpuBefore;
  return { cpuUs, wallMs, result };
}

/** Records one value per repetition and fills in ratios against the baseline. */
export class MeasurementTable {
  private readonly rows = new Map<string, Measurement>();

  add(metric: string, unit: string, kind: ServerKind, value: number): void {
    const key = `${metric}\u0000${kind}`;
    let row = this.rows.get(key);
    if (row === undefined) this.rows.set(key, (row = { metric, unit, kind, values: [] }));
    row.values.push(value);
  }

  /** Measurements with per-repetition ratios to `baseline`. */
  finish(baseline: Kind): Measurement[] {
    const all = [...this.rows.values()];
    for (const row of all) {
      const base = this.rows.get(`${row.metric}\u0000${baseline}`);
      if (base === undefined) continue;
      row.ratios = row.values.map((value, rep) => value / base.values[rep]);
    }
    return all;
  }
}

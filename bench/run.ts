import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import {
  BASELINE,
  DURABLE_KINDS,
  judge,
  KINDS,
  startPair,
  type DurableKind,
  type Kind,
  type Scenario,
  type ScenarioReport,
  type ServerKind,
} from './lib/harness';
import { describePostgresUrl, postgresReachable } from './lib/bench-postgres';
import { renderTable, renderTargets, type BenchResult } from './lib/report';
import { cluster } from './scenarios/cluster.scenario';
import { durable } from './scenarios/durable.scenario';
import { fanout } from './scenarios/fanout.scenario';
import { handshake } from './scenarios/handshake.scenario';
import { memory } from './scenarios/memory.scenario';
import { reminders } from './scenarios/reminders.scenario';
import { targeted } from './scenarios/targeted.scenario';

/** Every scenario, in the order they run. Adding one is adding a file and a line here. */
const SCENARIOS: Scenario[] = [fanout, targeted, handshake, memory, durable, reminders, cluster];

/**
 * The durable kinds to start: `ours-postgres` needs PostgreSQL. Without one it is left out
 * with a visible message, except under `CI=true`, where CI must measure it and the run fails.
 */
function durableKindsFor(wanted: readonly ServerKind[]): DurableKind[] {
  const kinds = DURABLE_KINDS.filter((kind) => wanted.includes(kind));
  if (!kinds.includes('ours-postgres') || postgresReachable()) return kinds;
  const message = `PostgreSQL is not reachable at ${describePostgresUrl()} (set BENCH_DATABASE_URL)`;
  if (process.env.CI === 'true') throw new Error(`${message}; CI requires it.`);
  console.error(`${message}: leaving out ours-postgres.`);
  return kinds.filter((kind) => kind !== 'ours-postgres');
}

/**
 * `narrowed`'s reports (a run of some scenarios only) put in place of those scenarios' reports
 * in `saved`, each stamped with its run; every other scenario's report is kept as it was, and
 * the targets are judged again from the reports. Without a saved file, `narrowed` itself.
 */
function merged(saved: BenchResult | undefined, narrowed: BenchResult): BenchResult {
  if (saved === undefined) return narrowed;
  const ran = new Set(narrowed.reports.map((report) => report.scenario));
  const run = { date: narrowed.date, command: narrowed.command, reps: narrowed.reps };
  const reports = SCENARIOS.flatMap(({ name }) =>
    ran.has(name)
      ? narrowed.reports.filter((report) => report.scenario === name).map((r) => ({ ...r, run }))
      : saved.reports.filter((report) => report.scenario === name),
  );
  return { ...saved, reports, targets: reports.flatMap(judge) };
}

function argument(name: string): string | undefined {
  const prefix = `--${name}=`;
  return process.argv.find((arg) => arg.startsWith(prefix))?.slice(prefix.length);
}

async function main(): Promise<void> {
  const smoke = process.argv.includes('--smoke');
  const reps = Number(argument('reps') ?? (smoke ? 1 : 3));
  const only = argument('scenario')?.split(',');
  const wanted = (argument('kinds')?.split(',') as ServerKind[] | undefined) ?? [
    ...KINDS,
    ...DURABLE_KINDS,
  ];
  const kinds = KINDS.filter((kind: Kind) => wanted.includes(kind));
  const profile = argument('profile');
  if (profile !== undefined) process.env.BENCH_PROFILE_DIR = resolve(profile);
  const scenarios = SCENARIOS.filter(
    (scenario) => only === undefined || only.includes(scenario.name),
  );
  const durableKinds = durableKindsFor(wanted);
  const reports: ScenarioReport[] = [];
  for (const scenario of scenarios) {
    console.error(`running ${scenario.name}${smoke ? ' (smoke)' : ''}, ${reps} repetition(s)…`);
    reports.push(...(await scenario.run({ smoke, reps, kinds, durableKinds, start: startPair })));
  }
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const result: BenchResult = {
    date: new Date().toISOString(),
    machine,
    command: [
      'npm run bench',
      ...(process.argv.length > 2 ? ['--'] : []),
      ...process.argv.slice(2),
    ].join(' '),
    smoke,
    reps,
    baseline: BASELINE,
    reports,
    targets: reports.flatMap(judge),
  };
  console.log(renderTable(result.reports));
  // Tiny smoke sizes say nothing about cost; their ratios would only mislead.
  if (!smoke) console.log(`\n${renderTargets(result.targets)}`);
  console.log(
    `\n${result.date} — ${machine}; medians of ${reps} interleaved repetition(s) (min–max); ratios vs ${BASELINE} per repetition.`,
  );
  // A complete run replaces the published results; one narrowed to some scenarios replaces
  // just theirs; one narrowed to some kinds (an incomplete comparison) only prints.
  if (smoke) {
    console.log('smoke: every scenario ran and every delivery count matched.');
  } else if (argument('kinds') === undefined) {
    const directory = join(__dirname, 'results');
    const path = join(directory, 'latest.json');
    const saved =
      only !== undefined && existsSync(path)
        ? (JSON.parse(readFileSync(path, 'utf8')) as BenchResult)
        : undefined;
    mkdirSync(directory, { recursive: true });
    writeFileSync(path, `${JSON.stringify(merged(saved, result), null, 2)}\n`);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

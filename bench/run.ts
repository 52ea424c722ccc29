import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import {
  BASELINE,
  judge,
  KINDS,
  startPair,
  type Kind,
  type Scenario,
  type ScenarioReport,
} from './lib/harness';
import { renderTable, renderTargets, type BenchResult } from './lib/report';
import { fanout } from './scenarios/fanout.scenario';
import { handshake } from './scenarios/handshake.scenario';
import { memory } from './scenarios/memory.scenario';
import { targeted } from './scenarios/targeted.scenario';

/** Every scenario, in the order they run. Adding one is adding a file and a line here. */
const SCENARIOS: Scenario[] = [fanout, targeted, handshake, memory];

function argument(name: string): string | undefined {
  const prefix = `--${name}=`;
  return process.argv.find((arg) => arg.startsWith(prefix))?.slice(prefix.length);
}

async function main(): Promise<void> {
  const smoke = process.argv.includes('--smoke');
  const reps = Number(argument('reps') ?? (smoke ? 1 : 3));
  const only = argument('scenario')?.split(',');
  const kinds = (argument('kinds')?.split(',') as Kind[] | undefined) ?? [...KINDS];
  const profile = argument('profile');
  if (profile !== undefined) process.env.BENCH_PROFILE_DIR = resolve(profile);
  const scenarios = SCENARIOS.filter(
    (scenario) => only === undefined || only.includes(scenario.name),
  );
  const reports: ScenarioReport[] = [];
  for (const scenario of scenarios) {
    console.error(`running ${scenario.name}${smoke ? ' (smoke)' : ''}, ${reps} repetition(s)…`);
    reports.push(...(await scenario.run({ smoke, reps, kinds, start: startPair })));
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
  // Only a complete run replaces the published results; a narrowed one just prints.
  if (smoke) {
    console.log('smoke: every scenario ran and every delivery count matched.');
  } else if (only === undefined && argument('kinds') === undefined) {
    const directory = join(__dirname, 'results');
    mkdirSync(directory, { recursive: true });
    writeFileSync(join(directory, 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderTable, renderTargets, type BenchResult } from './lib/report';

/**
 * Rewrites the README's latest-results block (between the `bench:results` markers) from
 * `bench/results/latest.json`, so the published table is always the one the run wrote.
 */
const ROOT = join(__dirname, '..');
const START = '<!-- bench:results:start -->';
const END = '<!-- bench:results:end -->';

const result = JSON.parse(
  readFileSync(join(ROOT, 'bench', 'results', 'latest.json'), 'utf8'),
) as BenchResult;
const readmePath = join(ROOT, 'README.md');
const readme = readFileSync(readmePath, 'utf8');
const from = readme.indexOf(START);
const to = readme.indexOf(END);
if (from === -1 || to < from) throw new Error(`README.md has no ${START} … ${END} block`);

/** `YYYY-MM-DD HH:MM` of an ISO date. */
const minute = (date: string): string => date.slice(0, 16).replace('T', ' ');

/** Scenarios measured by a later run narrowed to them (`--scenario=…`), one line each. */
const separately = [
  ...new Map(
    result.reports.flatMap((report) =>
      report.run === undefined
        ? []
        : [
            [
              report.scenario,
              `\`${report.scenario}\` is from \`${report.run.command}\`, ${minute(report.run.date)} UTC, ` +
                `medians of ${report.run.reps} repetitions.`,
            ] as const,
          ],
    ),
  ).values(),
];

const block = [
  START,
  `Latest run: \`${result.command}\`, ${minute(result.date)} UTC, on ${result.machine}; ` +
    `medians of ${result.reps} interleaved repetitions (min–max), ratios within each repetition.` +
    (separately.length === 0 ? '' : ` ${separately.join(' ')}`),
  '',
  "**Targets** (a ratio — ours ÷ another server, or a durable rate ÷ the same server's live rate — within each repetition, or an absolute value):",
  '',
  renderTargets(result.targets),
  '',
  '<details><summary>Every measurement (ratios against raw-best)</summary>',
  '',
  renderTable(result.reports),
  '',
  '</details>',
  END,
].join('\n');
writeFileSync(readmePath, readme.slice(0, from) + block + readme.slice(to + END.length));
console.log(`README.md: results of ${result.date} written`);

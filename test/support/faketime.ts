import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Where Debian's `faketime` package puts the preload library (per architecture). */
function libfaketime(): string | undefined {
  const lib = '/usr/lib';
  if (!existsSync(lib)) return undefined;
  for (const arch of readdirSync(lib)) {
    const candidate = join(lib, arch, 'faketime', 'libfaketime.so.1');
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

const MISSING = 'libfaketime is not installed (apt-get install faketime; `.ci/run` does)';

/**
 * `describe` for suites that run a process with a shifted clock: skipped with a visible message
 * when Debian's `faketime` is missing, except under `CI=true`, where the suite runs and fails.
 */
export function describeWithFaketime(inner: jest.Describe): jest.Describe {
  if (libfaketime() !== undefined || process.env.CI === 'true') return inner;
  console.warn(`${MISSING}: skipping the suites that need it.`);
  return describe.skip;
}

/**
 * Environment that starts a process with its wall clock shifted by `offset` (libfaketime's
 * relative format: `+10m`, `-30s`), as `faketime -f` would. Timers (the monotonic clock) are
 * left alone: only what `Date.now()` says moves.
 *
 * @throws Error naming the missing package when libfaketime is not installed.
 */
export function shiftedClockEnvironment(offset: string): Record<string, string> {
  const library = libfaketime();
  if (library === undefined) throw new Error(MISSING);
  return { LD_PRELOAD: library, FAKETIME: offset, FAKETIME_DONT_FAKE_MONOTONIC: '1' };
}

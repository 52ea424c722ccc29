import { Cron } from 'croner';

/**
 * The first occurrence of `cron` in IANA zone `timezone` strictly after `after` (ms since the
 * epoch), or `undefined` when there is none. Times are wall-clock times in the zone, so a
 * 09:00 Europe/Berlin reminder fires at 09:00 local on both sides of a DST change; a time the
 * spring change skips fires once, when the clock jumps; a time the autumn change repeats fires
 * once, at its first occurrence.
 */
export function nextOccurrence(cron: string, timezone: string, after: number): number | undefined {
  const next = new Cron(cron, { timezone, paused: true }).nextRun(new Date(after));
  return next === null ? undefined : next.getTime();
}

/** Why `cron` / `timezone` cannot be scheduled, or `undefined` when they can. */
export function scheduleProblem(cron: string, timezone: string): string | undefined {
  try {
    new Intl.DateTimeFormat('en', { timeZone: timezone });
  } catch {
    return `unknown time zone "${timezone}"`;
  }
  try {
    new Cron(cron, { timezone, paused: true });
  } catch (error) {
    return `invalid cron expression: ${error instanceof Error ? error.message : String(error)}`;
  }
  return undefined;
}

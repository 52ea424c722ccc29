import { nextOccurrence, scheduleProblem } from './next-occurrence';

const BERLIN = 'Europe/Berlin';

/** The next `count` occurrences after `from`, as ISO strings in UTC. */
function occurrences(cron: string, from: string, count: number): string[] {
  const out: string[] = [];
  let after = Date.parse(from);
  for (let i = 0; i < count; i++) {
    after = nextOccurrence(cron, BERLIN, after)!;
    out.push(new Date(after).toISOString());
  }
  return out;
}

describe('nextOccurrence across DST changes (Europe/Berlin, 2026)', () => {
  it('keeps 09:00 local on both sides of the spring change (UTC+1 → UTC+2, 29 March)', () => {
    expect(occurrences('0 9 * * *', '2026-03-27T12:00:00Z', 3)).toEqual([
      '2026-03-28T08:00:00.000Z',
      '2026-03-29T07:00:00.000Z',
      '2026-03-30T07:00:00.000Z',
    ]);
  });

  it('keeps 09:00 local on both sides of the autumn change (UTC+2 → UTC+1, 25 October)', () => {
    expect(occurrences('0 9 * * *', '2026-10-23T12:00:00Z', 3)).toEqual([
      '2026-10-24T07:00:00.000Z',
      '2026-10-25T08:00:00.000Z',
      '2026-10-26T08:00:00.000Z',
    ]);
  });

  it('fires a time the spring change skips (02:30) once, when the clock jumps to 03:00', () => {
    expect(occurrences('30 2 * * *', '2026-03-27T12:00:00Z', 3)).toEqual([
      '2026-03-28T01:30:00.000Z',
      '2026-03-29T01:00:00.000Z',
      '2026-03-30T00:30:00.000Z',
    ]);
  });

  it('fires a time the autumn change repeats (02:30) once, at its first occurrence', () => {
    expect(occurrences('30 2 * * *', '2026-10-24T12:00:00Z', 2)).toEqual([
      '2026-10-25T00:30:00.000Z',
      '2026-10-26T01:30:00.000Z',
    ]);
  });
});

describe('scheduleProblem', () => {
  it('accepts a valid cron and IANA zone', () => {
    expect(scheduleProblem('0 9 * * 1-5', 'America/New_York')).toBeUndefined();
  });

  it('names an unknown zone and an invalid cron', () => {
    expect(scheduleProblem('0 9 * * *', 'Mars/Olympus')).toMatch(/time zone/);
    expect(scheduleProblem('61 * * * *', BERLIN)).toMatch(/cron/);
  });
});

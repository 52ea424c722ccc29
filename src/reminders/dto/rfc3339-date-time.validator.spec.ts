import { parseRfc3339DateTime } from './rfc3339-date-time.validator';

describe('parseRfc3339DateTime', () => {
  it.each([
    ['2026-12-01T09:00:00Z', Date.UTC(2026, 11, 1, 9)],
    ['2026-12-01T10:00:00+01:00', Date.UTC(2026, 11, 1, 9)],
    ['2026-12-01t04:30:00.250-04:30', Date.UTC(2026, 11, 1, 9, 0, 0, 250)],
    ['2024-02-29T00:00:00z', Date.UTC(2024, 1, 29)],
  ])('reads %s', (text, instant) => {
    expect(parseRfc3339DateTime(text)).toBe(instant);
  });

  it.each([
    '2026-W50-1',
    '2026-335',
    '20261201T000000Z',
    '2026-12-01T10:00:00',
    '2026-12-01 10:00:00Z',
    '2026-12-01T10:00Z',
    '2026-02-30T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-12-31T23:59:60Z',
    '2026-12-01T24:00:00Z',
    '2026-12-01T10:00:00+24:00',
    '+002026-12-01T10:00:00Z',
    '',
  ])('refuses %p', (text) => {
    expect(parseRfc3339DateTime(text)).toBeUndefined();
  });

  it('refuses what is not a string', () => {
    expect(parseRfc3339DateTime(1_796_119_200_000)).toBeUndefined();
  });
});

import { mayBeCausedByAnEntry } from './entry-error.classifier';

describe('mayBeCausedByAnEntry', () => {
  const coded = (code: string, cause?: unknown) => Object.assign(new Error(code), { code, cause });

  it('is true for what an entry can cause: a constraint or a data exception', () => {
    expect(mayBeCausedByAnEntry(coded('23505'))).toBe(true); // PostgreSQL unique violation
    expect(mayBeCausedByAnEntry(coded('22P05'))).toBe(true); // PostgreSQL: \u0000 in text
    expect(mayBeCausedByAnEntry(coded('SQLITE_CONSTRAINT_UNIQUE'))).toBe(true);
    expect(mayBeCausedByAnEntry(coded('SQLITE_TOOBIG'))).toBe(true);
    expect(mayBeCausedByAnEntry(new Error('wrapped', { cause: coded('23505') }))).toBe(true);
  });

  it('is false for the database failing: connections, timeouts, locks, a full disk', () => {
    for (const code of [
      '57P01',
      '08006',
      '57014',
      '55P03',
      '40001',
      'SQLITE_BUSY',
      'SQLITE_FULL',
    ]) {
      expect(mayBeCausedByAnEntry(coded(code))).toBe(false);
    }
    expect(mayBeCausedByAnEntry(coded('ECONNREFUSED'))).toBe(false);
    expect(mayBeCausedByAnEntry(new Error('Connection terminated unexpectedly'))).toBe(false);
    expect(mayBeCausedByAnEntry(undefined)).toBe(false);
  });
});

/**
 * Whether `error` is a unique-constraint violation. Drivers report it differently, so the check
 * lives here, beside the dialect choice, rather than in every repository.
 */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code } = error as { code?: unknown };
  // better-sqlite3 (SQLITE_CONSTRAINT_UNIQUE); PostgreSQL's 23505 once that dialect exists.
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505';
}

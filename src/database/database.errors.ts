/**
 * Whether `error` is a unique-constraint violation. Drivers report it differently, so the check
 * lives here, beside the dialect choice, rather than in every repository.
 */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code } = error as { code?: unknown };
  // better-sqlite3 reports UNIQUE and PRIMARY KEY separately; pg reports both as 23505.
  return (
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    code === '23505'
  );
}

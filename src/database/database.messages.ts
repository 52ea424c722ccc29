/** Texts the database layer logs or throws. */

/** A migration was applied at boot. */
export function migrationApplied(name: string): string {
  return `Applied migration ${name}`;
}

/** A migration failed; the boot stops. */
export function migrationFailed(name: string | undefined): string {
  return name === undefined
    ? 'Database migrations failed before any migration ran'
    : `Database migration ${name} failed`;
}

/** The health check's query failed. */
export function healthCheckFailed(): string {
  return 'Database health check failed';
}

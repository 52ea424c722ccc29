import { postgresAnswers, withoutCredentials } from '../../test/support/postgres-probe';

/** The PostgreSQL the durable benchmark servers use: `BENCH_DATABASE_URL`, or the local one. */
export const BENCH_POSTGRES_URL =
  process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Whether the benchmark's PostgreSQL answers. */
export function postgresReachable(): boolean {
  return postgresAnswers(BENCH_POSTGRES_URL);
}

/** The URL without credentials, for messages. */
export function describePostgresUrl(): string {
  return withoutCredentials(BENCH_POSTGRES_URL);
}

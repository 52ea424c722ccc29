import { randomBytes } from 'node:crypto';
import { Kysely, PostgresDialect } from 'kysely';
import { Pool } from 'pg';
import { postgresAnswers, withoutCredentials } from './postgres-probe';

/** The PostgreSQL the tests use: `TEST_DATABASE_URL`, or the CI machine's local one. */
export const TEST_POSTGRES_URL =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const available = postgresAnswers(TEST_POSTGRES_URL);

/**
 * `describe` for suites that need PostgreSQL. Without one they are skipped with a visible
 * message — except under `CI=true`, where they run and fail, because CI must test PostgreSQL.
 */
export const describeWithPostgres: jest.Describe = (() => {
  if (available || process.env.CI === 'true') return describe;
  console.warn(
    `PostgreSQL is not reachable at ${withoutCredentials(TEST_POSTGRES_URL)}: ` +
      'skipping its suites (set TEST_DATABASE_URL, or run PostgreSQL locally).',
  );
  return describe.skip;
})();

/** A fresh schema on the test database, dropped by {@link ScopedPostgres.drop}. */
export class ScopedPostgres<Schema> {
  readonly schema = `rt_test_${randomBytes(6).toString('hex')}`;
  readonly db: Kysely<Schema>;
  private readonly admin: Pool;

  private constructor() {
    this.admin = new Pool({ connectionString: TEST_POSTGRES_URL, max: 1 });
    this.db = new Kysely<Schema>({
      dialect: new PostgresDialect({
        pool: new Pool({
          connectionString: TEST_POSTGRES_URL,
          max: 8,
          options: `-c search_path=${this.schema}`,
        }),
      }),
    });
  }

  static async create<Schema>(): Promise<ScopedPostgres<Schema>> {
    const scoped = new ScopedPostgres<Schema>();
    await scoped.admin.query(`create schema ${scoped.schema}`);
    return scoped;
  }

  async drop(): Promise<void> {
    await this.db.destroy();
    await this.admin.query(`drop schema if exists ${this.schema} cascade`);
    await this.admin.end();
  }
}

import { Pool } from 'pg';
import { MIGRATIONS } from '../../src/database/migrations';
import { spawnBackend, type BackendProcess } from '../support/backend-process';
import { jsonRequest } from '../support/json-request';
import { describeWithPostgres, TEST_POSTGRES_URL } from '../support/postgres';

describeWithPostgres('Several backend instances booting at once on a fresh PostgreSQL', () => {
  const schema = `rt_boot_${Math.random().toString(16).slice(2, 10)}`;
  const admin = new Pool({ connectionString: TEST_POSTGRES_URL, max: 1 });
  let backends: BackendProcess[] = [];

  beforeAll(async () => {
    await admin.query(`create schema ${schema}`);
  });

  afterAll(async () => {
    for (const backend of backends) {
      backend.child.kill('SIGTERM');
      await backend.exited;
    }
    await admin.query(`drop schema if exists ${schema} cascade`);
    await admin.end();
  });

  it('all boot, and every migration is applied exactly once', async () => {
    const databaseUrl = new URL(TEST_POSTGRES_URL);
    databaseUrl.searchParams.set('options', `-c search_path=${schema}`);
    const env = {
      DATABASE_URL: databaseUrl.toString(),
      JWT_SECRET: 'concurrent-boot-test-secret-long-enough',
    };

    const started = await Promise.allSettled([
      spawnBackend(env),
      spawnBackend(env),
      spawnBackend(env),
    ]);
    backends = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));

    expect(started.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    for (const backend of backends) {
      const health = await jsonRequest(`${backend.httpUrl}/health`, { timeoutMs: 5_000 });
      expect(health.body).toMatchObject({ status: 'ok', database: 'up' });
    }
    const { rows } = await admin.query<{ name: string }>(
      `select name from ${schema}.kysely_migration order by name`,
    );
    expect(rows.map(({ name }) => name)).toEqual(Object.keys(MIGRATIONS).sort());
  });
});

import { KyselyDeliveryLogStore, type DeliveryLogTables } from '@nest-realtime/core/kysely';
import type { Kysely } from 'kysely';
import request from 'supertest';
import { DATABASE } from '../src/database';
import { startBackend, type BackendTestApp } from './support/backend-test-app';
import { describeWithPostgres, ScopedPostgres, TEST_POSTGRES_URL } from './support/postgres';

describeWithPostgres('Reference backend on PostgreSQL (DATABASE_URL)', () => {
  let scoped: ScopedPostgres<unknown>;
  let backend: BackendTestApp | undefined;

  /** The test database, with the fresh schema first on every connection's search path. */
  function databaseUrl(): string {
    const url = new URL(TEST_POSTGRES_URL);
    url.searchParams.set('options', `-c search_path=${scoped.schema}`);
    return url.toString();
  }

  beforeEach(async () => {
    scoped = await ScopedPostgres.create();
  });

  afterEach(async () => {
    await backend?.close();
    backend = undefined;
    await scoped.drop();
  });

  it('migrates at boot, serves REST, and keeps its data across a restart', async () => {
    backend = await startBackend({ DATABASE_URL: databaseUrl() });
    await backend.signUp('ada');
    await request(backend.http)
      .get('/health')
      .expect(200, /"database":"up"/);
    const tables = await scoped.db
      .selectFrom('information_schema.tables' as never)
      .select('table_name' as never)
      .where('table_schema' as never, '=', scoped.schema as never)
      .execute();
    expect((tables as { table_name: string }[]).map((t) => t.table_name).sort()).toEqual([
      'idempotency_keys',
      'kysely_migration',
      'kysely_migration_lock',
      'notifications',
      'realtime_delivery_cursors',
      'realtime_delivery_log',
      'realtime_delivery_meta',
      'realtime_reminders',
      'users',
    ]);
    await backend.close();

    // Same database, new process state: migrations find nothing to do and the user is there.
    backend = await startBackend({ DATABASE_URL: databaseUrl() });
    await request(backend.http)
      .post('/auth/login')
      .send({ username: 'ada', password: 'correct horse battery' })
      .expect(200);
    const store = new KyselyDeliveryLogStore(backend.app.get<Kysely<DeliveryLogTables>>(DATABASE));
    const [entry] = await store.append([{ userId: 'ada', type: 'notification', data: { n: 1 } }]);
    expect(entry.seq).toBe(1);
  });
});

import { DELIVERY_LOG_EPOCH_PATTERN } from '@nest-realtime/core';
import { Pool } from 'pg';
import { MIGRATIONS } from '../../src/database/migrations';
import { spawnBackend, type BackendProcess } from '../support/backend-process';
import { jsonRequest } from '../support/json-request';
import { describeWithPostgres, TEST_POSTGRES_URL } from '../support/postgres';
import { closeAll, WsTestClient } from '../support/ws-test-client';

describeWithPostgres('Several backend instances booting at once on a fresh PostgreSQL', () => {
  const schema = `rt_boot_${Math.random().toString(16).slice(2, 10)}`;
  const admin = new Pool({ connectionString: TEST_POSTGRES_URL, max: 1 });
  let backends: BackendProcess[] = [];
  const clients: WsTestClient[] = [];

  beforeAll(async () => {
    await admin.query(`create schema ${schema}`);
  });

  afterAll(async () => {
    await closeAll(clients.splice(0));
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

  it("agrees on one delivery log epoch when each instance's first connection comes at once", async () => {
    expect(backends).toHaveLength(3);
    const credentials = { username: 'ada', password: 'correct horse battery' };
    const timeoutMs = 5_000;
    const register = `${backends[0].httpUrl}/auth/register`;
    expect(
      (await jsonRequest(register, { method: 'POST', body: credentials, timeoutMs })).status,
    ).toBe(201);
    const login = `${backends[0].httpUrl}/auth/login`;
    const { body } = await jsonRequest(login, { method: 'POST', body: credentials, timeoutMs });
    const token = (body as { accessToken: string }).accessToken;
    // No epoch yet: the store makes it on first use, here on three processes at once.
    const { rows: before } = await admin.query(`select * from ${schema}.realtime_delivery_meta`);
    expect(before).toEqual([]);
    const resumes = await Promise.all(
      backends.map(async (backend) => {
        const { client } = await WsTestClient.connect(backend.wsUrl, {
          headers: { authorization: `Bearer ${token}` },
        });
        clients.push(client);
        return client.next('resume');
      }),
    );
    const epochs = resumes.map((frame) => (frame.data as { epoch: string }).epoch);
    expect(epochs[0]).toMatch(DELIVERY_LOG_EPOCH_PATTERN);
    expect(epochs).toEqual([epochs[0], epochs[0], epochs[0]]);
    const { rows } = await admin.query(`select name, value from ${schema}.realtime_delivery_meta`);
    expect(rows).toEqual([{ name: 'epoch', value: epochs[0] }]);
  });
});

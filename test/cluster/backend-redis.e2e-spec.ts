import { Pool } from 'pg';
import { spawnBackend, type BackendProcess } from '../support/backend-process';
import { jsonRequest, type JsonReply } from '../support/json-request';
import { describeWithPostgres, TEST_POSTGRES_URL } from '../support/postgres';
import { TestRedisServer } from '../support/redis-server';
import { WsTestClient } from '../support/ws-test-client';

/** Asks `/health` until `accept` takes the answer (what a load balancer's probe does). */
async function healthUntil(
  backend: BackendProcess,
  accept: (reply: JsonReply) => boolean,
): Promise<JsonReply> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const reply = await jsonRequest(`${backend.httpUrl}/health`, { timeoutMs: 5_000 });
    if (accept(reply)) return reply;
    if (Date.now() > deadline)
      throw new Error(`/health never matched: ${JSON.stringify(reply.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describeWithPostgres('The backend with REDIS_URL (one instance, Redis failing)', () => {
  const schema = `rt_redis_${Math.random().toString(16).slice(2, 10)}`;
  const admin = new Pool({ connectionString: TEST_POSTGRES_URL, max: 1 });
  let redis: TestRedisServer;
  let backend: BackendProcess;
  let client: WsTestClient | undefined;

  beforeAll(async () => {
    await admin.query(`create schema ${schema}`);
    redis = await TestRedisServer.start();
    const databaseUrl = new URL(TEST_POSTGRES_URL);
    databaseUrl.searchParams.set('options', `-c search_path=${schema}`);
    backend = await spawnBackend({
      DATABASE_URL: databaseUrl.toString(),
      REDIS_URL: redis.url,
      JWT_SECRET: 'backend-redis-test-secret-long-enough',
    });
  });

  afterAll(async () => {
    await client?.close();
    backend.child.kill('SIGTERM');
    await backend.exited;
    await redis.stop();
    await admin.query(`drop schema if exists ${schema} cascade`);
    await admin.end();
  });

  it('names Redis in /health, stays up and keeps durable pushes going while Redis is down', async () => {
    const up = await healthUntil(backend, (reply) => reply.body?.redis === 'up');
    expect(up.status).toBe(200);
    expect(up.body).toMatchObject({ status: 'ok', database: 'up', redis: 'up' });

    const credentials = { username: 'rita', password: 'correct horse battery' };
    const registered = await jsonRequest(`${backend.httpUrl}/auth/register`, {
      method: 'POST',
      body: credentials,
      timeoutMs: 10_000,
    });
    const login = await jsonRequest(`${backend.httpUrl}/auth/login`, {
      method: 'POST',
      body: credentials,
      timeoutMs: 10_000,
    });
    const token = login.body.accessToken as string;
    ({ client } = await WsTestClient.connect(backend.wsUrl, {
      headers: { authorization: `Bearer ${token}` },
    }));

    await redis.kill();
    const degraded = await healthUntil(backend, (reply) => reply.body?.redis === 'down');
    expect(degraded.status).toBe(200);
    expect(degraded.body).toMatchObject({ status: 'degraded', database: 'up', redis: 'down' });

    const sent = await jsonRequest(`${backend.httpUrl}/notifications`, {
      method: 'POST',
      token,
      body: { to: { userId: registered.body.id }, title: 'while Redis is down' },
      timeoutMs: 10_000,
    });
    expect(sent.status).toBe(201);
    const pushed = await client.next('notification');
    expect(pushed.data.title).toBe('while Redis is down');

    await redis.restart();
    const back = await healthUntil(backend, (reply) => reply.body?.redis === 'up');
    expect(back.body).toMatchObject({ status: 'ok', redis: 'up' });
    expect(backend.child.exitCode).toBeNull();
  });
});

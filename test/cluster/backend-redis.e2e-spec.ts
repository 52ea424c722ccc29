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

/** Registers and logs in a user on `instance`. */
async function signUp(
  instance: BackendProcess,
  username: string,
): Promise<{ userId: string; token: string }> {
  const credentials = { username, password: 'correct horse battery' };
  const post = (path: string) =>
    jsonRequest(`${instance.httpUrl}${path}`, {
      method: 'POST',
      body: credentials,
      timeoutMs: 10_000,
    });
  const registered = await post('/auth/register');
  const login = await post('/auth/login');
  return { userId: registered.body.id as string, token: login.body.accessToken as string };
}

describeWithPostgres('The backend on several instances (REDIS_URL)', () => {
  const schema = `rt_redis_${Math.random().toString(16).slice(2, 10)}`;
  const admin = new Pool({ connectionString: TEST_POSTGRES_URL, max: 1 });
  let redis: TestRedisServer;
  let backend: BackendProcess;
  let other: BackendProcess;
  const clients: WsTestClient[] = [];

  beforeAll(async () => {
    await admin.query(`create schema ${schema}`);
    redis = await TestRedisServer.start();
    const databaseUrl = new URL(TEST_POSTGRES_URL);
    databaseUrl.searchParams.set('options', `-c search_path=${schema}`);
    const env = {
      DATABASE_URL: databaseUrl.toString(),
      REDIS_URL: redis.url,
      JWT_SECRET: 'backend-redis-test-secret-long-enough',
    };
    // One after the other, to keep the boot light (concurrent boots: concurrent-boot.e2e-spec).
    backend = await spawnBackend(env);
    other = await spawnBackend(env);
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    for (const instance of [backend, other]) {
      instance.child.kill('SIGTERM');
      await instance.exited;
    }
    await redis.stop();
    await admin.query(`drop schema if exists ${schema} cascade`);
    await admin.end();
  });

  it('names Redis in /health, stays up and keeps durable pushes going while Redis is down', async () => {
    const up = await healthUntil(backend, (reply) => reply.body?.redis === 'up');
    expect(up.status).toBe(200);
    expect(up.body).toMatchObject({ status: 'ok', database: 'up', redis: 'up' });

    const { userId, token } = await signUp(backend, 'rita');
    const { client } = await WsTestClient.connect(backend.wsUrl, {
      headers: { authorization: `Bearer ${token}` },
    });
    clients.push(client);

    const minted = await jsonRequest(`${backend.httpUrl}/auth/ws-ticket`, {
      method: 'POST',
      token,
      timeoutMs: 10_000,
    });

    await redis.kill();
    const degraded = await healthUntil(backend, (reply) => reply.body?.redis === 'down');
    expect(degraded.status).toBe(200);
    expect(degraded.body).toMatchObject({ status: 'degraded', database: 'up', redis: 'down' });
    // Tickets live in Redis: issuing and redeeming one answer 503 (retryable), nothing hangs.
    const noTicket = await jsonRequest(`${backend.httpUrl}/auth/ws-ticket`, {
      method: 'POST',
      token,
      timeoutMs: 10_000,
    });
    expect(noTicket.status).toBe(503);
    await expect(
      WsTestClient.open(`${backend.wsUrl}?ticket=${minted.body.ticket as string}`),
    ).rejects.toMatchObject({ status: 503 });

    const sent = await jsonRequest(`${backend.httpUrl}/notifications`, {
      method: 'POST',
      token,
      body: { to: { userId }, title: 'while Redis is down' },
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

  it("signs out everywhere: logout on one instance closes the user's sockets on the other with 1008, then the token and its tickets get 401", async () => {
    for (const instance of [backend, other]) {
      await healthUntil(instance, (reply) => reply.body?.redis === 'up');
    }
    const { token } = await signUp(other, 'sam');
    const auth = { headers: { authorization: `Bearer ${token}` } };

    // A ticket minted on one instance opens a socket on the other.
    const minted = await jsonRequest(`${other.httpUrl}/auth/ws-ticket`, {
      method: 'POST',
      token,
      timeoutMs: 10_000,
    });
    const { client: byTicket } = await WsTestClient.connect(
      `${backend.wsUrl}?ticket=${minted.body.ticket as string}`,
    );
    const { client: byToken } = await WsTestClient.connect(backend.wsUrl, auth);
    const { client: onOther } = await WsTestClient.connect(other.wsUrl, auth);
    clients.push(byTicket, byToken, onOther);
    const spare = await jsonRequest(`${other.httpUrl}/auth/ws-ticket`, {
      method: 'POST',
      token,
      timeoutMs: 10_000,
    });

    const started = Date.now();
    const logout = await jsonRequest(`${other.httpUrl}/auth/logout`, {
      method: 'POST',
      token,
      timeoutMs: 10_000,
    });
    expect(logout.status).toBe(204);
    for (const client of [byTicket, byToken, onOther]) {
      expect(await client.closed).toEqual({ code: 1008, reason: 'signed out' });
    }
    expect(Date.now() - started).toBeLessThan(2_000);

    const rest = await jsonRequest(`${backend.httpUrl}/notifications`, {
      token,
      timeoutMs: 10_000,
    });
    expect(rest.status).toBe(401);
    await expect(WsTestClient.open(backend.wsUrl, auth)).rejects.toMatchObject({ status: 401 });
    await expect(
      WsTestClient.open(`${backend.wsUrl}?ticket=${spare.body.ticket as string}`),
    ).rejects.toMatchObject({ status: 401 });
  });
});

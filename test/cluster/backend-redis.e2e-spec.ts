import { waitForOutput, type BackendProcess } from '../support/backend-process';
import { BackendCluster, signUp } from '../support/backend-cluster';
import { jsonRequest, type JsonReply } from '../support/json-request';
import { describeWithPostgres } from '../support/postgres';
import type { TestRedisServer } from '../support/redis-server';
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

/** The backend's Prometheus text. */
async function metricsOf(backend: { httpUrl: string }): Promise<string> {
  const response = await fetch(`${backend.httpUrl}/metrics`, {
    signal: AbortSignal.timeout(5_000),
  });
  return response.text();
}

describeWithPostgres('The backend on several instances (REDIS_URL)', () => {
  let cluster: BackendCluster;
  let redis: TestRedisServer;
  let backend: BackendProcess;
  let other: BackendProcess;
  const clients: WsTestClient[] = [];

  beforeAll(async () => {
    cluster = await BackendCluster.start(2);
    ({ redis } = cluster);
    [backend, other] = cluster.instances;
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await cluster.stop();
  });

  it('names Redis in /health, stays up and keeps durable pushes going while Redis is down; entries written meanwhile reach the other instance in order once Redis is back', async () => {
    const up = await healthUntil(backend, (reply) => reply.body?.redis === 'up');
    expect(up.status).toBe(200);
    expect(up.body).toMatchObject({ status: 'ok', database: 'up', redis: 'up' });

    const { userId, token } = await signUp(backend.httpUrl, 'rita');
    const { client } = await WsTestClient.connect(backend.wsUrl, {
      headers: { authorization: `Bearer ${token}` },
    });
    // The same user on the other instance: it hears of entries written on the first through Redis.
    const { client: elsewhere } = await WsTestClient.connect(other.wsUrl, {
      headers: { authorization: `Bearer ${token}` },
    });
    clients.push(client, elsewhere);

    const minted = await jsonRequest(`${backend.httpUrl}/auth/ws-ticket`, {
      method: 'POST',
      token,
      timeoutMs: 10_000,
    });

    // The bus's state changes are info lines (an operator's first clue), once each way.
    await waitForOutput(backend, /Cluster bus up: /);
    const beforeOutage = backend.output().length;
    await redis.kill();
    await waitForOutput(backend, /Cluster bus down \(/, beforeOutage);
    const degraded = await healthUntil(backend, (reply) => reply.body?.redis === 'down');
    expect(degraded.status).toBe(200);
    expect(degraded.body).toMatchObject({ status: 'degraded', database: 'up', redis: 'down' });
    // Degraded is still live, but not ready: a load balancer should prefer the other instances.
    const notReady = await jsonRequest(`${backend.httpUrl}/health/ready`, { timeoutMs: 5_000 });
    expect(notReady.status).toBe(503);
    expect(notReady.body).toMatchObject({ error: { redis: { status: 'down' } } });
    expect(await metricsOf(backend)).toMatch(/^nest_realtime_redis_up 0$/m);
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

    const titles = ['while Redis is down 1', 'while Redis is down 2', 'while Redis is down 3'];
    for (const title of titles) {
      const sent = await jsonRequest(`${backend.httpUrl}/notifications`, {
        method: 'POST',
        token,
        body: { to: { userId }, title },
        timeoutMs: 10_000,
      });
      expect(sent.status).toBe(201);
    }
    const local = [];
    while (local.length < titles.length) local.push(await client.next('notification'));
    expect(local.map((frame): unknown[] => [frame.seq, frame.data.title])).toEqual(
      titles.map((title, index) => [index + 1, title]),
    );
    expect(elsewhere.pending.filter((frame) => frame.type === 'notification')).toEqual([]);

    const beforeRestart = backend.output().length;
    await redis.restart();
    await waitForOutput(backend, /Cluster bus up: /, beforeRestart);
    expect(
      backend
        .output()
        .slice(beforeOutage)
        .match(/Cluster bus down \(/g),
    ).toHaveLength(1);
    const back = await healthUntil(backend, (reply) => reply.body?.redis === 'up');
    expect(back.body).toMatchObject({ status: 'ok', redis: 'up' });
    const ready = await jsonRequest(`${backend.httpUrl}/health/ready`, { timeoutMs: 5_000 });
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ info: { redis: { status: 'up' } } });
    expect(await metricsOf(backend)).toMatch(/^nest_realtime_redis_up 1$/m);
    // Back on the bus, the other instance catches its connection up from the log: every entry
    // written during the outage, in order, none twice, with no action from the client.
    const caughtUp = [];
    while (caughtUp.length < titles.length) {
      caughtUp.push(await elsewhere.next('notification', 15_000));
    }
    expect(caughtUp.map((frame): unknown[] => [frame.seq, frame.data.title])).toEqual(
      titles.map((title, index) => [index + 1, title]),
    );
    for (const instance of [backend, other]) expect(instance.child.exitCode).toBeNull();
  });

  it("signs out everywhere: logout on one instance closes the user's sockets on the other with 1008, then the token and its tickets get 401", async () => {
    for (const instance of [backend, other]) {
      await healthUntil(instance, (reply) => reply.body?.redis === 'up');
    }
    const { token } = await signUp(other.httpUrl, 'sam');
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

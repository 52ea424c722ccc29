import type { BackendProcess } from '../support/backend-process';
import { BackendCluster, signUp, type ClusterUser as Account } from '../support/backend-cluster';
import { jsonRequest } from '../support/json-request';
import { describeWithPostgres } from '../support/postgres';
import { WsTestClient } from '../support/ws-test-client';

/** Presence entries are rewritten this often here; they live two periods. */
const REFRESH_MS = 1_000;

describeWithPostgres('The backend on three instances: presence (REDIS_URL)', () => {
  let cluster: BackendCluster;
  let backends: BackendProcess[] = [];
  const clients: WsTestClient[] = [];

  beforeAll(async () => {
    cluster = await BackendCluster.start(3, {
      PRESENCE_REFRESH_MS: String(REFRESH_MS),
      WS_MAX_CONNECTIONS_PER_USER: '3',
    });
    backends = cluster.instances;
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await cluster.stop();
  });

  async function connect(instance: BackendProcess, account: Account): Promise<WsTestClient> {
    const { client } = await WsTestClient.connect(instance.wsUrl, {
      headers: { authorization: `Bearer ${account.token}` },
    });
    clients.push(client);
    return client;
  }

  function presence(instance: BackendProcess, userId: string, token?: string) {
    return jsonRequest(`${instance.httpUrl}/presence/${userId}`, { token, timeoutMs: 5_000 });
  }

  /** Asks until `userId` has `connections`; returns how long that took (ms). */
  async function untilConnections(
    instance: BackendProcess,
    account: Account,
    connections: number,
  ): Promise<number> {
    const started = Date.now();
    for (;;) {
      const reply = await presence(instance, account.userId, account.token);
      if (reply.body?.connections === connections) return Date.now() - started;
      if (Date.now() - started > 10_000) {
        throw new Error(`presence never reached ${connections}: ${JSON.stringify(reply.body)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  it("counts a user's connections on three instances through any of them, follows closes, and holds the cap across them", async () => {
    const [a, b, c] = backends;
    const ada = await signUp(a.httpUrl, 'ada');
    const bob = await signUp(b.httpUrl, 'bob');
    const cyd = await signUp(c.httpUrl, 'cyd');

    await connect(a, bob);
    const bobOnB = await connect(b, bob);
    await connect(c, bob);
    for (const instance of backends) {
      const reply = await presence(instance, bob.userId, bob.token);
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual({ userId: bob.userId, online: true, connections: 3 });
    }
    // The first user registered is an admin: she may look; another user may not.
    expect((await presence(c, bob.userId, ada.token)).body.connections).toBe(3);
    expect((await presence(a, bob.userId, cyd.token)).status).toBe(403);
    expect((await presence(a, bob.userId)).status).toBe(401);

    // WS_MAX_CONNECTIONS_PER_USER=3 holds across the instances.
    await expect(
      WsTestClient.open(a.wsUrl, { headers: { authorization: `Bearer ${bob.token}` } }),
    ).rejects.toMatchObject({ status: 429 });

    await bobOnB.close();
    await untilConnections(c, bob, 2);
    await connect(a, bob);
    expect((await presence(b, bob.userId, bob.token)).body.connections).toBe(3);
  });

  it("a SIGKILLed instance's users go offline within two refresh periods", async () => {
    const [a, , c] = backends;
    const dee = await signUp(a.httpUrl, 'dee');
    const eve = await signUp(a.httpUrl, 'eve');
    await connect(a, dee);
    const onC = await connect(c, dee);
    await connect(c, eve);
    expect((await presence(a, dee.userId, dee.token)).body.connections).toBe(2);
    expect((await presence(a, eve.userId, eve.token)).body.online).toBe(true);

    c.child.kill('SIGKILL');
    const killed = Date.now();
    await c.exited;
    await onC.closed;
    await untilConnections(a, dee, 1);
    await untilConnections(a, eve, 0);
    // Entries live two periods from their last refresh, which was at most one period ago
    // (measured: about 1.9 s with a 1 s period).
    expect(Date.now() - killed).toBeLessThanOrEqual(2 * REFRESH_MS + 500);
    expect((await presence(a, eve.userId, eve.token)).body).toEqual({
      userId: eve.userId,
      online: false,
      connections: 0,
    });
  });

  it("an instance shut down gracefully (SIGTERM) takes its users' connections out at once, not after two periods", async () => {
    const [a, b] = backends;
    const fay = await signUp(a.httpUrl, 'fay');
    const onB = await connect(b, fay);
    expect((await presence(a, fay.userId, fay.token)).body.connections).toBe(1);

    b.child.kill('SIGTERM');
    const stopped = Date.now();
    expect((await onB.closed).code).toBe(1001);
    await untilConnections(a, fay, 0);
    expect(Date.now() - stopped).toBeLessThan(REFRESH_MS);
    const exit = await b.exited;
    expect(exit.code === 0 || exit.signal === 'SIGTERM').toBe(true);
  });
});

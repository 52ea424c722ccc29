import { BackendCluster, type ClusterUser } from '../support/backend-cluster';
import type { BackendProcess } from '../support/backend-process';
import { jsonRequest } from '../support/json-request';
import { itWithNginx, TestNginx } from '../support/nginx';
import { describeWithPostgres } from '../support/postgres';
import { WsTestClient, type Frame } from '../support/ws-test-client';

describeWithPostgres('The backend on three instances (PostgreSQL, Redis, nginx)', () => {
  let cluster: BackendCluster;
  let a: BackendProcess;
  let b: BackendProcess;
  let c: BackendProcess;
  let nginx: TestNginx | undefined;
  const clients: WsTestClient[] = [];

  beforeAll(async () => {
    cluster = await BackendCluster.start(3);
    [a, b, c] = cluster.instances;
  }, 120_000);

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await nginx?.stop();
    await cluster?.stop();
  });

  /** A socket of `user` on `url`, on the stream (its opening `resume` received). */
  async function socket(url: string, token?: string): Promise<WsTestClient> {
    const options = token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } };
    const { client } = await WsTestClient.connect(url, options);
    clients.push(client);
    await client.next('resume');
    return client;
  }

  function notify(baseUrl: string, user: ClusterUser, title: string) {
    return jsonRequest(`${baseUrl}/notifications`, {
      method: 'POST',
      token: user.token,
      body: { to: { userId: user.userId }, title },
      timeoutMs: 10_000,
    });
  }

  /** The user's entries in the delivery log, oldest first. */
  async function logged(user: ClusterUser): Promise<{ seq: number; title: string }[]> {
    const { rows } = await cluster.db.query<{ seq: string; data: string }>(
      'select seq, data from realtime_delivery_log where user_id = $1 order by seq',
      [user.userId],
    );
    return rows.map((row) => ({
      seq: Number(row.seq),
      title: (JSON.parse(row.data) as { title: string }).title,
    }));
  }

  it("delivers a notification posted on C to the user's sockets on A and B, once each, with one seq", async () => {
    const ann = await cluster.signUp(a.httpUrl, 'ann');
    const onA = await socket(a.wsUrl, ann.token);
    const onB = await socket(b.wsUrl, ann.token);

    expect((await notify(c.httpUrl, ann, 'first')).status).toBe(201);
    const first = await Promise.all([onA, onB].map((client) => client.next('notification')));
    expect(first.map(titleAndSeq)).toEqual([
      ['first', 1],
      ['first', 1],
    ]);
    expect(first[0].id).toBe(first[1].id);

    // Once: the next notification on each socket is the next one posted, not a second copy.
    expect((await notify(c.httpUrl, ann, 'second')).status).toBe(201);
    const second = await Promise.all([onA, onB].map((client) => client.next('notification')));
    expect(second.map(titleAndSeq)).toEqual([
      ['second', 2],
      ['second', 2],
    ]);
    expect(await logged(ann)).toEqual([
      { seq: 1, title: 'first' },
      { seq: 2, title: 'second' },
    ]);
  });

  itWithNginx(
    'through nginx (round-robin, no stickiness): logs in, mints tickets, opens sockets with them and receives pushes',
    async () => {
      nginx = await TestNginx.start(cluster.addresses);
      const bea = await cluster.signUp(nginx.httpUrl, 'bea-through-nginx');
      const sockets: WsTestClient[] = [];
      for (let i = 0; i < 6; i++) {
        // Minted on one instance, redeemed on whichever the upgrade lands on.
        const minted = await jsonRequest(`${nginx.httpUrl}/auth/ws-ticket`, {
          method: 'POST',
          token: bea.token,
          timeoutMs: 10_000,
        });
        expect(minted.status).toBe(200);
        sockets.push(await socket(`${nginx.wsUrl}?ticket=${minted.body.ticket as string}`));
      }
      expect((await notify(nginx.httpUrl, bea, 'via nginx')).status).toBe(201);
      const pushed = await Promise.all(sockets.map((client) => client.next('notification')));
      expect(pushed.map(titleAndSeq)).toEqual(sockets.map(() => ['via nginx', 1]));

      // nginx logs an upgraded request when its socket closes.
      await Promise.all(sockets.map((client) => client.close()));
      const upgrades = await logLinesUntil(
        () => nginx!.upstreams('GET /ws 101'),
        (lines) => lines.length === 6,
      );
      const everyRequest = nginx.upstreams();
      expect(new Set(everyRequest)).toEqual(new Set(cluster.addresses));
      expect(new Set(upgrades)).toEqual(new Set(cluster.addresses));
    },
  );

  it('hands entries written alternately on A and B in parallel to a raw WebSocket client on C with seq +1 each', async () => {
    const cal = await cluster.signUp(b.httpUrl, 'cal');
    const onC = await socket(c.wsUrl, cal.token);
    const count = 40;
    const titles = Array.from({ length: count }, (_, i) => `entry ${i}`);
    const answers = await Promise.all(
      titles.map((title, i) => notify((i % 2 === 0 ? a : b).httpUrl, cal, title)),
    );
    expect(answers.map((answer) => answer.status)).toEqual(titles.map(() => 201));

    const frames: Frame[] = [];
    while (frames.length < count) frames.push(await onC.next('notification', 10_000));
    expect(frames.map((frame) => frame.seq)).toEqual(titles.map((_, i) => i + 1));
    expect(new Set(frames.map((frame) => titleAndSeq(frame)[0]))).toEqual(new Set(titles));
    // Nothing twice: the next frame is the next entry.
    expect((await notify(a.httpUrl, cal, 'marker')).status).toBe(201);
    expect(await onC.next('notification', 10_000)).toMatchObject({
      seq: count + 1,
      data: { title: 'marker' },
    });
    const log = await logged(cal);
    expect(log.map((entry) => entry.seq)).toEqual([...titles, 'marker'].map((_, i) => i + 1));
    expect(log.map((entry) => entry.title)).toEqual([
      ...frames.map((frame) => frame.data.title as string),
      'marker',
    ]);
  });

  it("signs out everywhere: logout on B closes the user's sockets on A and C with 1008 within 2 s, then the token gets 401", async () => {
    const dan = await cluster.signUp(b.httpUrl, 'dan');
    const onA = await socket(a.wsUrl, dan.token);
    const onC = await socket(c.wsUrl, dan.token);

    const started = Date.now();
    const logout = await jsonRequest(`${b.httpUrl}/auth/logout`, {
      method: 'POST',
      token: dan.token,
      timeoutMs: 10_000,
    });
    expect(logout.status).toBe(204);
    expect(await Promise.all([onA.closed, onC.closed])).toEqual([
      { code: 1008, reason: 'signed out' },
      { code: 1008, reason: 'signed out' },
    ]);
    expect(Date.now() - started).toBeLessThan(2_000);
    for (const instance of [a, b, c]) {
      const rest = await jsonRequest(`${instance.httpUrl}/notifications`, {
        token: dan.token,
        timeoutMs: 10_000,
      });
      expect(rest.status).toBe(401);
    }
  });
});

/** A notification frame's title and seq. */
function titleAndSeq(frame: Frame): [string, number | undefined] {
  return [(frame.data as { title: string }).title, frame.seq];
}

/** Reads `read()` until `done` accepts it (nginx writes its log lines asynchronously). */
async function logLinesUntil(
  read: () => string[],
  done: (lines: string[]) => boolean,
): Promise<string[]> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const lines = read();
    if (done(lines)) return lines;
    if (Date.now() > deadline) throw new Error(`nginx access log: ${JSON.stringify(lines)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

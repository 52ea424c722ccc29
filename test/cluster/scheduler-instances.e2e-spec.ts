import { randomUUID } from 'node:crypto';
import { BackendCluster, type ClusterUser } from '../support/backend-cluster';
import type { BackendProcess } from '../support/backend-process';
import { jsonRequest } from '../support/json-request';
import { describeWithPostgres } from '../support/postgres';
import { WsTestClient, type Frame } from '../support/ws-test-client';

const USERS = 10;
/** Occurrences per scenario: seeded straight into PostgreSQL, plus one created per instance. */
const REMINDERS = 1_000;
/** The occurrences fall due over this long, starting {@link LEAD_MS} after the seeding. */
const SPREAD_MS = 2_000;
const LEAD_MS = 1_500;

describeWithPostgres('The reminder scheduler on three instances of the backend', () => {
  let cluster: BackendCluster;
  let users: ClusterUser[];
  const clients: WsTestClient[] = [];

  beforeAll(async () => {
    cluster = await BackendCluster.start(3);
    users = [];
    for (let i = 0; i < USERS; i++) {
      users.push(await cluster.signUp(cluster.instances[i % 3].httpUrl, `user${i}`));
    }
  }, 120_000);

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await cluster?.stop();
  });

  /** The database's clock, ms since the epoch (the scheduler's "now"). */
  async function databaseNow(): Promise<number> {
    const { rows } = await cluster.db.query<{ now: string }>(
      'select floor(extract(epoch from clock_timestamp()) * 1000)::bigint as now',
    );
    return Number(rows[0].now);
  }

  /** Each user's socket on `instanceOf(user)`, on the stream; its cursor from `resume`. */
  async function connectAll(
    instanceOf: (index: number) => BackendProcess,
  ): Promise<{ client: WsTestClient; lastSeq: number }[]> {
    return Promise.all(
      users.map(async (user, index) => {
        const { client } = await WsTestClient.connect(instanceOf(index).wsUrl, {
          headers: { authorization: `Bearer ${user.token}` },
        });
        clients.push(client);
        const resume = await client.next('resume');
        return { client, lastSeq: resume.data.lastSeq as number };
      }),
    );
  }

  /**
   * {@link REMINDERS} one-off reminders of the users, due over {@link SPREAD_MS}: all but one per
   * instance inserted in one statement (as an import would), the rest created through each
   * instance's REST API, which also wakes that instance's scheduler (a direct insert would
   * otherwise wait for the sweep). Returns the reminder ids per user and the last due time.
   */
  async function seed(label: string): Promise<{ ids: Map<string, Set<string>>; lastDue: number }> {
    const start = (await databaseNow()) + LEAD_MS;
    const dueAt = (i: number) => start + Math.round((i * SPREAD_MS) / REMINDERS);
    const seeded = REMINDERS - cluster.instances.length;
    const rows = Array.from({ length: seeded }, (_, i) => ({
      id: randomUUID(),
      userId: users[i % USERS].userId,
      title: `${label} ${i}`,
      dueAt: dueAt(i),
    }));
    await cluster.db.query(
      `insert into realtime_reminders
         (id, user_id, title, body, due_at, cron, timezone, created_at, last_fired_at)
       select id, user_id, title, null, due_at, null, null, $5, null
       from unnest($1::text[], $2::text[], $3::text[], $4::bigint[]) as r(id, user_id, title, due_at)`,
      [
        rows.map((row) => row.id),
        rows.map((row) => row.userId),
        rows.map((row) => row.title),
        rows.map((row) => row.dueAt),
        start - LEAD_MS,
      ],
    );
    const ids = new Map(users.map((user) => [user.userId, new Set<string>()]));
    for (const row of rows) ids.get(row.userId)!.add(row.id);
    for (const [k, instance] of cluster.instances.entries()) {
      const user = users[(seeded + k) % USERS];
      const created = await jsonRequest(`${instance.httpUrl}/reminders`, {
        method: 'POST',
        token: user.token,
        body: { title: `${label} rest ${k}`, dueAt: new Date(dueAt(seeded + k)).toISOString() },
        timeoutMs: 10_000,
      });
      expect(created.status).toBe(201);
      ids.get(user.userId)!.add(created.body.id as string);
    }
    return { ids, lastDue: dueAt(REMINDERS - 1) };
  }

  /** Log entries of the reminders in `ids`, and how many distinct occurrences they are. */
  async function audit(
    ids: Map<string, Set<string>>,
  ): Promise<{ entries: number; distinct: number }> {
    const all = [...ids.values()].flatMap((set) => [...set]);
    const { rows } = await cluster.db.query<{ entries: string; occurrences: string }>(
      `select count(*) as entries, count(distinct dedupe_key) as occurrences
       from realtime_delivery_log
       where type = 'schedule-reminder' and split_part(dedupe_key, ':', 2) = any($1::text[])`,
      [all],
    );
    return { entries: Number(rows[0].entries), distinct: Number(rows[0].occurrences) };
  }

  /** Polls the log (no event tells the test) until `accept` takes the audit. */
  async function auditUntil(
    ids: Map<string, Set<string>>,
    accept: (entries: number) => boolean,
    timeoutMs: number,
  ): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { entries } = await audit(ids);
      if (accept(entries)) return entries;
      if (Date.now() > deadline) throw new Error(`${entries} of ${REMINDERS} logged in time`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /**
   * Each user's socket receives each of its reminders once, in seq order without a gap; a
   * notification sent afterwards comes next (nothing was sent twice).
   */
  async function expectOneReceiptEach(
    sockets: { client: WsTestClient; lastSeq: number }[],
    ids: Map<string, Set<string>>,
  ): Promise<void> {
    await Promise.all(
      users.map(async (user, index) => {
        const { client, lastSeq } = sockets[index];
        const expected = ids.get(user.userId)!;
        const frames: Frame[] = [];
        while (frames.length < expected.size) {
          frames.push(await client.next('schedule-reminder', 15_000));
        }
        expect(frames.map((frame) => frame.seq)).toEqual(frames.map((_, i) => lastSeq + 1 + i));
        const received = frames.map((frame) => frame.data.id as string);
        expect(new Set(received)).toEqual(expected);
        const marker = await jsonRequest(`${cluster.instances[0].httpUrl}/notifications`, {
          method: 'POST',
          token: user.token,
          body: { to: { userId: user.userId }, title: 'marker' },
          timeoutMs: 10_000,
        });
        expect(marker.status).toBe(201);
        expect(await client.next('notification', 10_000)).toMatchObject({
          seq: lastSeq + expected.size + 1,
          data: { title: 'marker' },
        });
        expect(client.pending.filter((frame) => frame.type === 'schedule-reminder')).toEqual([]);
      }),
    );
  }

  it('fires 1 000 reminders due within seconds exactly once each: one log entry, one receipt', async () => {
    const sockets = await connectAll((index) => cluster.instances[index % 3]);
    const { ids, lastDue } = await seed('together');

    await auditUntil(ids, (entries) => entries >= REMINDERS, 30_000);
    const firedBy = await databaseNow();
    expect(await audit(ids)).toEqual({ entries: REMINDERS, distinct: REMINDERS });
    expect(firedBy - lastDue).toBeLessThan(3_000);
    const { rows } = await cluster.db.query<{ pending: string }>(
      'select count(*) as pending from realtime_reminders where due_at is not null',
    );
    expect(Number(rows[0].pending)).toBe(0);
    await expectOneReceiptEach(sockets, ids);
  });

  it('with one instance SIGKILLed mid-way, the others fire its due reminders promptly, still once each', async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    const [a, b, c] = cluster.instances;
    // The users' sockets stay on the instances that live.
    const sockets = await connectAll((index) => (index % 2 === 0 ? a : b));
    const { ids, lastDue } = await seed('killed');

    const loggedAtKill = await auditUntil(ids, (entries) => entries >= REMINDERS * 0.3, 30_000);
    c.child.kill('SIGKILL');
    expect(await c.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(loggedAtKill).toBeLessThan(REMINDERS);

    await auditUntil(ids, (entries) => entries >= REMINDERS, 30_000);
    const firedBy = await databaseNow();
    expect(await audit(ids)).toEqual({ entries: REMINDERS, distinct: REMINDERS });
    expect(firedBy - lastDue).toBeLessThan(3_000);
    await expectOneReceiptEach(sockets, ids);
  });
});

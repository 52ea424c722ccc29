import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { spawnBackend, type BackendProcess } from '../support/backend-process';
import { describeWithFaketime, shiftedClockEnvironment } from '../support/faketime';
import { jsonRequest } from '../support/json-request';
import { describeWithPostgres, TEST_POSTGRES_URL } from '../support/postgres';
import { WsTestClient } from '../support/ws-test-client';

const TEN_MINUTES_MS = 10 * 60_000;

describeWithFaketime(describeWithPostgres)(
  'An instance whose clock runs 10 minutes fast (libfaketime)',
  () => {
    // A database of its own: pg_stat_database then counts this backend's transactions alone.
    const database = `rt_fast_clock_${randomBytes(5).toString('hex')}`;
    const admin = new Pool({ connectionString: TEST_POSTGRES_URL, max: 1 });
    let fast: BackendProcess | undefined;
    let client: WsTestClient | undefined;

    beforeAll(async () => {
      await admin.query(`create database ${database}`);
      const databaseUrl = new URL(TEST_POSTGRES_URL);
      databaseUrl.pathname = `/${database}`;
      fast = await spawnBackend({
        DATABASE_URL: databaseUrl.toString(),
        JWT_SECRET: 'fast-clock-test-secret-long-enough',
        ...shiftedClockEnvironment('+10m'),
      });
    }, 60_000);

    afterAll(async () => {
      await client?.close();
      if (fast !== undefined) {
        fast.child.kill('SIGTERM');
        await fast.exited;
      }
      await admin.query(`drop database if exists ${database} with (force)`);
      await admin.end();
    });

    /** The database's clock, ms since the epoch. */
    async function databaseNow(): Promise<number> {
      const { rows } = await admin.query<{ now: string }>(
        'select floor(extract(epoch from clock_timestamp()) * 1000)::bigint as now',
      );
      return Number(rows[0].now);
    }

    /** Transactions committed on the backend's database so far (statistics lag up to ~1 s). */
    async function commits(): Promise<number> {
      const { rows } = await admin.query<{ commits: string }>(
        'select xact_commit as commits from pg_stat_database where datname = $1',
        [database],
      );
      return Number(rows[0].commits);
    }

    it("fires reminders at the database's time, not 10 minutes early, without querying in a loop", async () => {
      const instance = fast!;
      const post = (path: string, body: unknown, token?: string) =>
        jsonRequest(`${instance.httpUrl}${path}`, {
          method: 'POST',
          body,
          token,
          timeoutMs: 10_000,
        });
      const credentials = { username: 'early-bird', password: 'correct horse battery' };
      expect((await post('/auth/register', credentials)).status).toBe(201);
      const { accessToken: token } = (await post('/auth/login', credentials)).body as {
        accessToken: string;
      };
      ({ client } = await WsTestClient.connect(instance.wsUrl, {
        headers: { authorization: `Bearer ${token}` },
      }));
      await client.next('resume');

      const now = await databaseNow();
      const soon = [now + 3_000, now + 4_000, now + 7_000];
      // Due in 5 minutes: on this instance's clock, 5 minutes overdue already.
      const later = now + 5 * 60_000;
      const created = [];
      for (const [index, dueAt] of [...soon, later].entries()) {
        const answer = await post(
          '/reminders',
          { title: `r${index}`, dueAt: new Date(dueAt).toISOString() },
          token,
        );
        expect(answer.status).toBe(201);
        created.push(answer.body as { id: string; createdAt: string });
      }
      // The clock is really shifted: the instance stamps createdAt with its own.
      const skew = Date.parse(created[0].createdAt) - now;
      expect(skew).toBeGreaterThan(TEN_MINUTES_MS - 5_000);
      expect(skew).toBeLessThan(TEN_MINUTES_MS + 5_000);

      let before = 0;
      let started = 0;
      for (const [index, dueAt] of soon.entries()) {
        const frame = await client.next('schedule-reminder', 10_000);
        const receivedAt = Date.now();
        expect(frame).toMatchObject({
          seq: index + 1,
          data: { id: created[index].id, dueAt: new Date(dueAt).toISOString() },
        });
        // This process, the database and the fast instance share the real clock underneath.
        expect(receivedAt).toBeGreaterThanOrEqual(dueAt);
        const firedAt = Date.parse(frame.data.firedAt as string);
        expect(firedAt).toBeGreaterThanOrEqual(dueAt);
        expect(firedAt - dueAt).toBeLessThan(1_000);
        if (index === 0) {
          // The window starts after the setup: statistics of its transactions come in late.
          before = await commits();
          started = Date.now();
        }
      }
      const elapsedMs = Date.now() - started;
      const committed = (await commits()) - before;
      // A timer armed with `dueAt - Date.now()` would be 0 here for every pending reminder:
      // round after round, ~2 000 transactions in these 4 s (measured before the fix). Armed on
      // the database's clock, the instance wakes when one is due and at its sweep every 5 s:
      // ~10 (and ~80 if it only paused 100 ms between empty rounds).
      expect(elapsedMs).toBeGreaterThan(3_000);
      expect(committed).toBeLessThan(30);

      const pending = await jsonRequest(`${instance.httpUrl}/reminders/${created[3].id}`, {
        token,
        timeoutMs: 10_000,
      });
      expect(pending.body).toMatchObject({
        dueAt: new Date(later).toISOString(),
        lastFiredAt: null,
      });
      expect(client.pending.filter((frame) => frame.type === 'schedule-reminder')).toEqual([]);
    });
  },
);

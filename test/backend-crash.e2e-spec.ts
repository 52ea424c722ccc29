import BetterSqlite3 from 'better-sqlite3';
import { join } from 'node:path';
import { spawnBackend, type BackendProcess } from './support/backend-process';
import { ScopedEnvironment } from './support/scoped-environment';
import { WsTestClient, type Frame } from './support/ws-test-client';

const REMINDERS = 200;

interface Firing {
  id: string;
  dueAt: string;
  firedAt: string;
}

describe('Reference backend: a crash between firings loses nothing and fires nothing twice', () => {
  let environment: ScopedEnvironment;
  const processes: BackendProcess[] = [];
  const clients: WsTestClient[] = [];

  beforeEach(() => {
    environment = new ScopedEnvironment('crash');
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) client.socket.terminate();
    for (const backend of processes.splice(0)) {
      if (backend.child.exitCode === null && backend.child.signalCode === null) {
        backend.child.kill('SIGKILL');
        await backend.exited;
      }
    }
    environment.restore();
  });

  async function start(): Promise<BackendProcess> {
    const backend = await spawnBackend({
      DATA_DIR: environment.dir,
      JWT_SECRET: 'crash-test-secret-0123456789abcdef',
    });
    processes.push(backend);
    return backend;
  }

  async function post(url: string, body: unknown, token?: string): Promise<any> {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
    return response.json();
  }

  /** Collects `schedule-reminder` frames by seq (a repeat must be identical) until `count`. */
  async function collect(client: WsTestClient, seen: Map<number, Frame>, count: number) {
    while (seen.size < count) {
      const frame = await client.next('schedule-reminder', 20_000);
      const earlier = seen.get(frame.seq!);
      if (earlier !== undefined) expect(frame).toEqual(earlier);
      seen.set(frame.seq!, frame);
    }
  }

  it('SIGKILL mid-way, restart on the same database: one log entry per occurrence, all delivered, none early', async () => {
    const first = await start();
    const credentials = { username: 'ada', password: 'correct horse battery' };
    await post(`${first.httpUrl}/auth/register`, credentials);
    const { accessToken } = await post(`${first.httpUrl}/auth/login`, credentials);
    const seen = new Map<number, Frame>();

    const before = await WsTestClient.open(`${first.wsUrl}?lastSeq=0`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    clients.push(before);
    const start0 = Date.now() + 1_500;
    const dueTimes = Array.from({ length: REMINDERS }, (_, i) => start0 + i * 20);
    for (let i = 0; i < REMINDERS; i += 20) {
      await Promise.all(
        dueTimes
          .slice(i, i + 20)
          .map((due, j) =>
            post(
              `${first.httpUrl}/reminders`,
              { title: `r${i + j}`, dueAt: new Date(due).toISOString() },
              accessToken,
            ),
          ),
      );
    }
    // Kill it once part of them has fired and been pushed.
    await collect(before, seen, 40);
    first.child.kill('SIGKILL');
    await first.exited;

    const second = await start();
    const lastSeen = Math.max(...seen.keys());
    const after = await WsTestClient.open(`${second.wsUrl}?lastSeq=${lastSeen}`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    clients.push(after);
    await collect(after, seen, REMINDERS);

    // The client, deduplicating by seq, saw every reminder exactly once and in seq order 1..200.
    expect([...seen.keys()].sort((a, b) => a - b)).toEqual(
      Array.from({ length: REMINDERS }, (_, i) => i + 1),
    );
    const firings = [...seen.values()].map((frame) => frame.data as Firing);
    expect(new Set(firings.map((f) => f.id)).size).toBe(REMINDERS);
    for (const firing of firings) {
      expect(Date.parse(firing.firedAt)).toBeGreaterThanOrEqual(Date.parse(firing.dueAt));
    }

    // The log itself: exactly one entry per reminder.
    second.child.kill('SIGTERM');
    await second.exited;
    const database = new BetterSqlite3(join(environment.dir, 'realtime.sqlite'), {
      readonly: true,
    });
    try {
      const rows = database
        .prepare(
          "select data from realtime_delivery_log where type = 'schedule-reminder' order by seq",
        )
        .all() as { data: string }[];
      const ids = rows.map((row) => (JSON.parse(row.data) as Firing).id);
      expect(ids).toHaveLength(REMINDERS);
      expect(new Set(ids).size).toBe(REMINDERS);
    } finally {
      database.close();
    }
  }, 90_000);
});

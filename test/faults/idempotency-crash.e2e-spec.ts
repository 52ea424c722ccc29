import BetterSqlite3 from 'better-sqlite3';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Pool } from 'pg';
import { spawnBackend, type BackendProcess } from '../support/backend-process';
import { describeWithPostgres, TEST_POSTGRES_URL } from '../support/postgres';
import { ScopedEnvironment } from '../support/scoped-environment';

/**
 * The lease of a pending key in these tests: long enough to cover a restart of the backend (so
 * the first retry lands inside it), short enough to wait out.
 */
const LEASE_MS = 20_000;
const KEY = 'crash-1';
const TITLE = 'sent once';

/** What the database holds after the test, for the audit. */
interface Audit {
  /** Inbox rows with {@link TITLE}. */
  inbox: number;
  /** Delivery log entries of type `notification`. */
  logged: number;
  /** The key's row: `null` status while pending. */
  key: { status: number | null; response: string | null } | undefined;
}

/**
 * One database engine, with the means to make the backend's notification transaction hang
 * forever (a trigger on the inbox table) so that SIGKILL reliably lands between the claim of
 * the key and the commit of its effect.
 */
interface Engine {
  /** Creates what the backend's database lives in. */
  prepare(): Promise<void>;
  env(dir: string): Record<string, string>;
  /** Installs the trigger; the backend has migrated the database and is stopped. */
  stallInboxWrites(): Promise<void> | void;
  /** Called with the backend started, right before the request that will stall. */
  beforeRequest(): void;
  /** Resolves once the backend has committed its claim of the key (and stalls after it). */
  stalled(): Promise<void>;
  /** After the kill: ends what the dead backend left behind, and removes the trigger. */
  unstall(): Promise<void> | void;
  audit(): Promise<Audit> | Audit;
  close(): Promise<void>;
}

/** Polls `probe` until it returns true: the backend gives no other sign of where it is. */
async function until(probe: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Commit frames in a SQLite WAL file (0 while it does not exist). A frame is a 24-byte header
 * and a page; the header's second big-endian word is the database size after a commit, and 0 in
 * frames that do not end a transaction (https://www.sqlite.org/fileformat.html#wal_file_format).
 */
function walCommits(path: string): number {
  if (!existsSync(path)) return 0;
  const wal = readFileSync(path);
  if (wal.length < 32) return 0;
  const frameSize = 24 + wal.readUInt32BE(8);
  let commits = 0;
  for (let offset = 32; offset + frameSize <= wal.length; offset += frameSize) {
    if (wal.readUInt32BE(offset + 4) !== 0) commits += 1;
  }
  return commits;
}

function sqliteEngine(): Engine {
  let file = '';
  let commitsBefore = 0;
  const open = () => {
    const db = new BetterSqlite3(file);
    // The backend writes too; wait for its lock as it waits for ours.
    db.pragma('busy_timeout = 5000');
    return db;
  };
  const auditQueries = (db: BetterSqlite3.Database): Audit => ({
    inbox: (
      db.prepare('select count(*) as n from notifications where title = ?').get(TITLE) as {
        n: number;
      }
    ).n,
    logged: (
      db
        .prepare("select count(*) as n from realtime_delivery_log where type = 'notification'")
        .get() as { n: number }
    ).n,
    key: db.prepare('select status, response from idempotency_keys where key = ?').get(KEY) as
      Audit['key'] | undefined,
  });
  return {
    async prepare() {},
    env(dir) {
      file = join(dir, 'realtime.sqlite');
      return { DATA_DIR: dir };
    },
    stallInboxWrites() {
      const db = open();
      try {
        // SQLite has no sleep and no CTE in triggers: a three-way cross join of 10 000 rows
        // keeps the writer busy far longer than any test, holding its transaction open.
        db.exec(`
          create table stall (x integer);
          insert into stall (x) select value from json_each(
            '[' || substr(replace(hex(zeroblob(10000)), '00', ',0'), 2) || ']');
          create trigger stall_inbox before insert on notifications
          begin select count(*) from stall a, stall b, stall c; end;`);
      } finally {
        db.close();
      }
    },
    beforeRequest() {
      commitsBefore = walCommits(`${file}-wal`);
    },
    async stalled() {
      // The backend holds its file exclusively, so the test cannot read the claim; its commit
      // shows as a commit frame in the WAL (the backend writes nothing else meanwhile).
      await until(() => walCommits(`${file}-wal`) > commitsBefore);
    },
    unstall() {
      const db = open();
      try {
        db.exec('drop trigger stall_inbox; drop table stall;');
      } finally {
        db.close();
      }
    },
    audit() {
      const db = open();
      try {
        return auditQueries(db);
      } finally {
        db.close();
      }
    },
    async close() {},
  };
}

function postgresEngine(): Engine {
  const schema = `rt_crash_${Math.random().toString(16).slice(2, 10)}`;
  const marker = `stalled-${schema}`;
  const pool = new Pool({ connectionString: TEST_POSTGRES_URL, max: 2 });
  const inSchema = { text: `set search_path to ${schema}` };
  const query = async <T>(text: string, values: unknown[] = []): Promise<T[]> => {
    const client = await pool.connect();
    try {
      await client.query(inSchema);
      return (await client.query(text, values)).rows as T[];
    } finally {
      client.release();
    }
  };
  return {
    async prepare() {
      await pool.query(`create schema ${schema}`);
    },
    env() {
      const url = new URL(TEST_POSTGRES_URL);
      url.searchParams.set('options', `-c search_path=${schema}`);
      return { DATABASE_URL: url.toString() };
    },
    async stallInboxWrites() {
      // Names the stalled session, so the test can see it waiting and end it afterwards.
      await query(`
        create function stall_inbox() returns trigger language plpgsql as $$
        begin
          perform set_config('application_name', '${marker}', false);
          perform pg_sleep(3600);
          return new;
        end $$;
        create trigger stall_inbox before insert on notifications
        for each statement execute function stall_inbox();`);
    },
    beforeRequest() {},
    async stalled() {
      await until(
        async () =>
          (await query('select 1 from pg_stat_activity where application_name = $1', [marker]))
            .length > 0,
      );
    },
    async unstall() {
      // The dead backend's session would sleep on for an hour, its transaction open.
      await query(
        'select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1',
        [marker],
      );
      await until(
        async () =>
          (await query('select 1 from pg_stat_activity where application_name = $1', [marker]))
            .length === 0,
      );
      await query('drop trigger stall_inbox on notifications; drop function stall_inbox();');
    },
    async audit() {
      const [inbox] = await query<{ n: string }>(
        'select count(*) as n from notifications where title = $1',
        [TITLE],
      );
      const [logged] = await query<{ n: string }>(
        "select count(*) as n from realtime_delivery_log where type = 'notification'",
      );
      const [key] = await query<{ status: number | null; response: string | null }>(
        'select status, response from idempotency_keys where key = $1',
        [KEY],
      );
      return { inbox: Number(inbox.n), logged: Number(logged.n), key };
    },
    async close() {
      await pool.query(`drop schema if exists ${schema} cascade`);
      await pool.end();
    },
  };
}

function crashSuite(makeEngine: () => Engine) {
  let environment: ScopedEnvironment;
  let engine: Engine;
  const processes: BackendProcess[] = [];

  beforeEach(async () => {
    environment = new ScopedEnvironment('idempotency-crash');
    engine = makeEngine();
    await engine.prepare();
  });

  afterEach(async () => {
    for (const backend of processes.splice(0)) {
      if (backend.child.exitCode === null && backend.child.signalCode === null) {
        backend.child.kill('SIGKILL');
        await backend.exited;
      }
    }
    await engine.close();
    environment.restore();
  });

  async function start(): Promise<BackendProcess> {
    const backend = await spawnBackend({
      ...engine.env(environment.dir),
      JWT_SECRET: 'idempotency-crash-secret-0123456789abcdef',
      IDEMPOTENCY_PENDING_LEASE_MS: String(LEASE_MS),
    });
    processes.push(backend);
    return backend;
  }

  async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
    return fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  }

  it('SIGKILL between claim and commit: 409 with Retry-After within the lease, then handled once', async () => {
    const first = await start();
    const credentials = { username: 'ada', password: 'correct horse battery' };
    const registered = (await (
      await post(`${first.httpUrl}/auth/register`, credentials)
    ).json()) as {
      id: string;
    };
    const { accessToken } = (await (
      await post(`${first.httpUrl}/auth/login`, credentials)
    ).json()) as {
      accessToken: string;
    };
    const auth = { authorization: `Bearer ${accessToken}`, 'idempotency-key': KEY };
    const body = { to: { userId: registered.id }, title: TITLE };

    // A clean stop, so the trigger can go in (the SQLite backend holds its file exclusively).
    first.child.kill('SIGTERM');
    await first.exited;
    await engine.stallInboxWrites();
    const stalling = await start();
    engine.beforeRequest();
    const lost = post(`${stalling.httpUrl}/notifications`, body, auth).then(
      (response) => response.status,
      () => 'connection lost',
    );
    await engine.stalled();
    stalling.child.kill('SIGKILL');
    await stalling.exited;
    // The caller saw no answer: it must retry with the same key.
    expect(await lost).toBe('connection lost');
    await engine.unstall();
    expect(await engine.audit()).toEqual({
      inbox: 0,
      logged: 0,
      key: { status: null, response: null },
    });

    const second = await start();
    const url = `${second.httpUrl}/notifications`;
    const early = await post(url, body, auth);
    expect(early.status).toBe(409);
    const retryAfter = Number(early.headers.get('retry-after') ?? LEASE_MS / 1000);
    // What a client honouring Retry-After does: wait that long, then retry.
    await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000));
    const handled = await post(url, body, auth);
    expect(handled.status).toBe(201);
    const receipt = (await handled.json()) as { id: string };
    const replayed = await post(url, body, auth);
    expect(replayed.status).toBe(201);
    expect(await replayed.json()).toEqual(receipt);
    expect(early.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    expect(retryAfter).toBeLessThanOrEqual(LEASE_MS / 1000);

    // The audit: one notification in the inbox and in the log, and the key holds its answer.
    const inbox = await fetch(`${second.httpUrl}/notifications`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(((await inbox.json()) as { items: { id: string }[] }).items.map((n) => n.id)).toEqual([
      receipt.id,
    ]);
    second.child.kill('SIGTERM');
    await second.exited;
    const audit = await engine.audit();
    expect(audit).toMatchObject({ inbox: 1, logged: 1, key: { status: 201 } });
    expect(JSON.parse(audit.key!.response!)).toMatchObject({ id: receipt.id });
  }, 120_000);
}

describe('Fault: SIGKILL while an Idempotency-Key request is in flight (SQLite)', () => {
  crashSuite(sqliteEngine);
});

describeWithPostgres(
  'Fault: SIGKILL while an Idempotency-Key request is in flight (PostgreSQL)',
  () => {
    crashSuite(postgresEngine);
  },
);

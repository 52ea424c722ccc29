import { sql } from 'kysely';
import { Client } from 'pg';
import * as realtimeMessages from '../../libs/realtime/src/realtime.messages';
import * as messages from '../../src/database/database.messages';
import { createPostgresPool } from '../../src/database/postgres-pool.factory';
import { HEALTH_CHECK_TIMEOUT_MS } from '../../src/health/database.health-indicator';
import { spawnBackend, type BackendProcess } from '../support/backend-process';
import { describeWithPostgres, ScopedPostgres, TEST_POSTGRES_URL } from '../support/postgres';
import { ScopedEnvironment } from '../support/scoped-environment';
import { TcpProxy } from '../support/tcp-proxy';
import { WsTestClient, type Frame } from '../support/ws-test-client';
import { jsonRequest, type JsonReply } from '../support/json-request';

/** In the backend's URL; trust authentication never asks for it, so it must never be printed. */
const PASSWORD = 'never-printed-0123';

/** Small bounds so that a stuck query fails within the test's time. */
const LOCK_TIMEOUT_MS = 500;
const STATEMENT_TIMEOUT_MS = 3_000;
const CONNECT_TIMEOUT_MS = 1_000;

/** Longest a request may take here; a hang fails the test with a timeout instead of jest's. */
const REQUEST_BOUND_MS = 8_000;

/** Everything the backend printed since it listened, awaitable line by line. */
class BackendLog {
  private text = '';
  private readonly listeners = new Set<() => void>();

  constructor(private readonly backend: BackendProcess) {
    const append = (chunk: Buffer): void => {
      this.text += chunk.toString();
      for (const listener of this.listeners) listener();
    };
    backend.child.stdout!.on('data', append);
    backend.child.stderr!.on('data', append);
  }

  get output(): string {
    return this.text;
  }

  /** How many times `text` was printed. */
  count(text: string): number {
    return this.text.split(text).length - 1;
  }

  /** Resolves once `text` was printed `times` times; rejects if the process exits first. */
  waitFor(text: string, times = 1, timeoutMs = 15_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = (error?: Error): void => {
        clearTimeout(timer);
        this.listeners.delete(check);
        if (error === undefined) resolve();
        else reject(error);
      };
      const check = (): void => {
        if (this.count(text) >= times) done();
      };
      const timer = setTimeout(
        () =>
          done(new Error(`"${text}" not printed ${times}x within ${timeoutMs} ms:\n${this.text}`)),
        timeoutMs,
      );
      this.listeners.add(check);
      void this.backend.exited.then(({ code, signal }) =>
        done(new Error(`backend exited (${code ?? signal}):\n${this.text}`)),
      );
      check();
    });
  }
}

describeWithPostgres('Reference backend on PostgreSQL: connections dropped or refused', () => {
  let scoped: ScopedPostgres<unknown>;
  let proxy: TcpProxy;
  let environment: ScopedEnvironment;
  let backend: BackendProcess | undefined;
  let log: BackendLog;
  const clients: WsTestClient[] = [];
  const lockers: Client[] = [];

  beforeEach(async () => {
    scoped = await ScopedPostgres.create();
    const target = new URL(TEST_POSTGRES_URL);
    proxy = await TcpProxy.start(target.hostname, Number(target.port || 5432));
    environment = new ScopedEnvironment('pg-faults');
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) client.terminate();
    for (const locker of lockers.splice(0)) await locker.end().catch(() => undefined);
    if (backend !== undefined) {
      if (backend.child.exitCode === null && backend.child.signalCode === null) {
        backend.child.kill('SIGKILL');
      }
      await backend.exited;
      backend = undefined;
    }
    proxy.close();
    await scoped.drop();
    environment.restore();
  });

  /** The backend's URL: through the proxy, on the test's schema, named after it. */
  function databaseUrl(): string {
    const url = new URL(TEST_POSTGRES_URL);
    url.port = String(proxy.port);
    url.password = PASSWORD;
    url.searchParams.set('options', `-c search_path=${scoped.schema}`);
    url.searchParams.set('application_name', scoped.schema);
    return url.toString();
  }

  async function start(env: Record<string, string> = {}): Promise<BackendProcess> {
    backend = await spawnBackend({
      DATA_DIR: environment.dir,
      JWT_SECRET: 'pg-faults-secret-0123456789abcdef',
      DATABASE_URL: databaseUrl(),
      DATABASE_STATEMENT_TIMEOUT_MS: String(STATEMENT_TIMEOUT_MS),
      DATABASE_LOCK_TIMEOUT_MS: String(LOCK_TIMEOUT_MS),
      DATABASE_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS),
      ...env,
    });
    log = new BackendLog(backend);
    return backend;
  }

  function api(method: string, path: string, token?: string, body?: unknown): Promise<JsonReply> {
    return jsonRequest(`${backend!.httpUrl}${path}`, {
      method,
      token,
      body,
      timeoutMs: REQUEST_BOUND_MS,
    });
  }

  async function signUp(username: string): Promise<{ id: string; token: string }> {
    const credentials = { username, password: 'correct horse battery' };
    const registered = await api('POST', '/auth/register', undefined, credentials);
    expect(registered.status).toBe(201);
    const login = await api('POST', '/auth/login', undefined, credentials);
    expect(login.status).toBe(200);
    return { id: registered.body.id, token: login.body.accessToken };
  }

  async function connect(token: string): Promise<WsTestClient> {
    const { client } = await WsTestClient.connect(`${backend!.wsUrl}?lastSeq=0`, {
      headers: { authorization: `Bearer ${token}` },
    });
    clients.push(client);
    await client.next('resume');
    return client;
  }

  function notify(user: { id: string; token: string }, title: string): Promise<JsonReply> {
    return api('POST', '/notifications', user.token, { to: { userId: user.id }, title });
  }

  /** Ends the backend's server processes (idle ones only, unless `all`), as a restart does. */
  async function terminateBackendConnections(all = false): Promise<number> {
    // One statement picks and signals the sessions: a connection that the app takes from the
    // pool between a separate select and its terminate would fail in its query instead of being
    // reported lost by the pool, and the count of losses to wait for would be off by one.
    const { rows } = await sql<{ terminated: string }>`
      select count(*) filter (where pg_terminate_backend(pid)) as terminated
      from pg_stat_activity
      where application_name = ${scoped.schema} and (${all} or state = 'idle')`.execute(scoped.db);
    return Number(rows[0].terminated);
  }

  /**
   * Ends the backend's idle connections and waits until its pool has noticed each loss, so that
   * no request of the test is handed a connection that is still being torn down.
   */
  async function dropIdleConnections(): Promise<number> {
    // Whatever the reason the pool gives: a session that was idle when it was picked may have
    // been handed to a query meanwhile (the scheduler's boot round, a sweep), which then reads
    // "Connection terminated unexpectedly" instead of the 57P01 notice.
    const lost = messages.pooledConnectionLost('\u0000').split('\u0000')[0];
    const before = log.count(lost);
    const terminated = await terminateBackendConnections();
    await log.waitFor(lost, before + terminated);
    return terminated;
  }

  /**
   * Ends every connection of the backend, busy ones too, while no new one can be opened (the
   * proxy swallows them), and waits until none is left on the server: a session busy with a
   * background query when picked (the scheduler's sweep) would otherwise go back to the pool and
   * serve the next request. Such a session's loss reaches that query, not the pool's log, so
   * this waits on the server's sessions, not on log lines.
   */
  async function dropEveryConnection(): Promise<void> {
    const deadline = Date.now() + 10_000;
    while ((await terminateBackendConnections(true)) > 0) {
      if (Date.now() > deadline) throw new Error('the backend still has sessions after 10 s');
      // Terminated sessions leave pg_stat_activity as their processes exit, within milliseconds.
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** A 503 answered as the filter promises: the stable message, and when to retry. */
  function expectUnavailable(reply: JsonReply): void {
    expect({ status: reply.status, message: reply.body?.message }).toEqual({
      status: 503,
      message: messages.databaseUnavailable(),
    });
    expect(reply.headers.get('retry-after')).toMatch(/^\d+$/);
  }

  /** What the database holds for `userId`: inbox rows and log entries per title. */
  async function audit(userId: string) {
    const inbox = await sql<{ title: string }>`
      select title from notifications where user_id = ${userId}`.execute(scoped.db);
    const logged = await sql<{ seq: string; data: string }>`
      select seq, data from realtime_delivery_log
      where user_id = ${userId} and type = 'notification' order by seq`.execute(scoped.db);
    return {
      inbox: inbox.rows.map((row) => row.title),
      log: logged.rows.map((row) => ({
        seq: Number(row.seq),
        title: (JSON.parse(row.data) as { title: string }).title,
      })),
    };
  }

  it('pg_terminate_backend on idle pooled connections: the process stays up, the pool reconnects', async () => {
    await start();
    const ada = await signUp('ada');
    const socket = await connect(ada.token);
    expect((await notify(ada, 'before')).status).toBe(201);
    expect((await socket.next('notification')).seq).toBe(1);

    // The pool reports each lost connection; a process without a listener dies here instead.
    expect(await dropIdleConnections()).toBeGreaterThan(0);

    const after = await notify(ada, 'after');
    expect(after.status).toBe(201);
    expect((await socket.next('notification')).seq).toBe(2);
    const health = await api('GET', '/health');
    expect({ status: health.status, database: health.body.database }).toEqual({
      status: 200,
      database: 'up',
    });
    expect(backend!.child.exitCode).toBeNull();
    expect(log.output).not.toContain(PASSWORD);
  });

  it('PostgreSQL unreachable: 503 and /health down, then up; every 201 is logged once and pushed', async () => {
    await start();
    const ada = await signUp('ada');
    const socket = await connect(ada.token);
    const created = new Set<string>();
    const statuses: number[] = [];
    const record = (title: string, reply: JsonReply): JsonReply => {
      statuses.push(reply.status);
      if (reply.status === 201) created.add(title);
      return reply;
    };
    for (let i = 0; i < 3; i++) record(`up-${i}`, await notify(ada, `up-${i}`));
    const reminder = await api('POST', '/reminders', ada.token, {
      title: 'due while down',
      dueAt: new Date(Date.now() + 1_000).toISOString(),
    });
    expect(reminder.status).toBe(201);

    // A restart: new connections refused, existing ones ended by the server, some requests
    // in flight while it happens.
    const inFlight = Array.from({ length: 5 }, (_, i) =>
      notify(ada, `cut-${i}`).then((reply) => record(`cut-${i}`, reply)),
    );
    proxy.refuse();
    await terminateBackendConnections(true);
    await Promise.all(inFlight);

    const health = await api('GET', '/health');
    expect({ status: health.status, database: health.body.database }).toEqual({
      status: 503,
      database: 'down',
    });
    expect(health.elapsedMs).toBeLessThan(REQUEST_BOUND_MS);
    for (let i = 0; i < 3; i++) {
      const refused = record(`down-${i}`, await notify(ada, `down-${i}`));
      expectUnavailable(refused);
    }
    expectUnavailable(await api('GET', '/notifications', ada.token));
    // The scheduler's round fails, is logged, and its sweep keeps running.
    await log.waitFor(realtimeMessages.reminderRoundFailed());

    await proxy.accept();
    const healthy = await api('GET', '/health');
    expect({ status: healthy.status, database: healthy.body.database }).toEqual({
      status: 200,
      database: 'up',
    });
    for (let i = 0; i < 3; i++) {
      expect(record(`back-${i}`, await notify(ada, `back-${i}`)).status).toBe(201);
    }
    expect((await socket.next('schedule-reminder', 15_000)).data.title).toBe('due while down');

    // Audit: a durable write either answered 201 and is there exactly once, in the inbox and
    // the log, and reached the socket; or answered 503 and is not half there.
    expect(statuses.every((status) => status === 201 || status === 503)).toBe(true);
    const { inbox, log: entries } = await audit(ada.id);
    const logged = entries.map((entry) => entry.title);
    expect([...inbox].sort()).toEqual([...logged].sort());
    expect(new Set(logged).size).toBe(logged.length);
    for (const title of created) expect(logged).toContain(title);
    for (let i = 0; i < 3; i++) expect(logged).not.toContain(`down-${i}`);
    expect(entries.map((entry) => entry.seq)).toEqual(entries.map((_, index) => index + 1));
    const pushed: Frame[] = [];
    while (pushed.length < entries.length) pushed.push(await socket.next('notification'));
    expect(pushed.map((frame) => [frame.seq!, frame.data.title as string])).toEqual(
      entries.map((entry) => [entry.seq, entry.title]),
    );
    expect(backend!.child.exitCode).toBeNull();
    expect(log.output).not.toContain(PASSWORD);
  }, 60_000);

  it('a row lock held elsewhere: the write fails within lock_timeout, another user’s proceeds', async () => {
    await start();
    const ada = await signUp('ada');
    const bob = await signUp('bob');
    expect((await notify(ada, 'first')).status).toBe(201);

    // Another session holds Ada's seq-reservation row, as a stuck instance would.
    const locker = new Client({
      connectionString: TEST_POSTGRES_URL,
      options: `-c search_path=${scoped.schema}`,
    });
    lockers.push(locker);
    await locker.connect();
    await locker.query('begin');
    await locker.query('select * from realtime_delivery_cursors where user_id = $1 for update', [
      ada.id,
    ]);

    const [blocked, other] = await Promise.all([notify(ada, 'blocked'), notify(bob, 'other')]);
    expectUnavailable(blocked);
    expect(blocked.elapsedMs).toBeLessThan(LOCK_TIMEOUT_MS + 2_500);
    expect(other.status).toBe(201);

    await locker.query('rollback');
    expect((await notify(ada, 'after')).status).toBe(201);
    expect(await audit(ada.id)).toEqual({
      inbox: expect.arrayContaining(['first', 'after']),
      log: [
        { seq: 1, title: 'first' },
        { seq: 2, title: 'after' },
      ],
    });
    expect((await audit(ada.id)).inbox).toHaveLength(2);
  });

  it('a network that drops packets: /health answers down within its bound, then up', async () => {
    // No connect timeout: only the health check's own bound can end its wait.
    await start({ DATABASE_CONNECT_TIMEOUT_MS: '0' });
    await proxy.swallow();
    await dropEveryConnection();

    // A pooled connection whose end the app has not read yet fails at once (503 as well); after
    // that, the check meets only the swallowing network and answers at its bound.
    let health = await api('GET', '/health');
    for (let attempt = 1; ; attempt++) {
      expect({ status: health.status, database: health.body.database }).toEqual({
        status: 503,
        database: 'down',
      });
      expect(health.elapsedMs).toBeLessThan(HEALTH_CHECK_TIMEOUT_MS + 2_000);
      if (health.elapsedMs >= HEALTH_CHECK_TIMEOUT_MS - 100 || attempt === 3) break;
      health = await api('GET', '/health');
    }
    expect(health.elapsedMs).toBeGreaterThanOrEqual(HEALTH_CHECK_TIMEOUT_MS - 100);
    await log.waitFor(messages.healthCheckTimedOut(HEALTH_CHECK_TIMEOUT_MS));

    await proxy.accept();
    const healthy = await api('GET', '/health');
    expect({ status: healthy.status, database: healthy.body.database }).toEqual({
      status: 200,
      database: 'up',
    });
  });

  it('every pooled connection carries the timeouts and names itself', async () => {
    const url = new URL(TEST_POSTGRES_URL);
    url.searchParams.set('options', `-c search_path=${scoped.schema}`);
    const pool = createPostgresPool(url.toString(), {
      statementTimeoutMs: 10_000,
      lockTimeoutMs: 500,
      idleInTransactionTimeoutMs: 30_000,
      connectTimeoutMs: 1_000,
    });
    try {
      const { rows } = await pool.query(`select current_setting('statement_timeout') as statement,
        current_setting('lock_timeout') as lock,
        current_setting('idle_in_transaction_session_timeout') as idle,
        current_setting('application_name') as application`);
      expect(rows[0]).toEqual({
        statement: '10s',
        lock: '500ms',
        idle: '30s',
        application: 'nest-realtime',
      });
    } finally {
      await pool.end();
    }
  });
});

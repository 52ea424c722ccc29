import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import * as messages from '../../src/database/database.messages';
import { spawnBackend, type BackendProcess } from '../support/backend-process';
import { ScopedEnvironment } from '../support/scoped-environment';
import { jsonRequest } from '../support/json-request';

const ROOT = join(__dirname, '..', '..');
const JWT_SECRET = 'sqlite-lock-test-secret-0123456789abcdef';
/** Far below the 5 s busy_timeout a request used to wait behind a foreign lock. */
const FAST_MS = 1_000;
/** A request, or the lock holder's answer, that takes longer fails the test instead of hanging it. */
const REQUEST_TIMEOUT_MS = 15_000;

/**
 * Opens the file in another process and tries to take SQLite's write lock without waiting,
 * then holds whatever it got until killed: `locked` or `busy <code>` on its first line.
 */
const LOCK_HOLDER = `
const Database = require('better-sqlite3');
const database = new Database(process.argv[1]);
database.pragma('busy_timeout = 0');
try {
  database.exec('BEGIN EXCLUSIVE');
  console.log('locked');
} catch (error) {
  console.log('busy ' + error.code);
}
setInterval(() => undefined, 60_000);
`;

interface Timed {
  status: number;
  ms: number;
}

/** Matches a duration under {@link FAST_MS}; the diff of a failure shows the measured one. */
const fast = {
  asymmetricMatch: (ms: unknown): boolean => typeof ms === 'number' && ms < FAST_MS,
  toAsymmetricMatcher: (): string => `under ${FAST_MS} ms`,
};

/**
 * Issue #10, defect 9: one process per SQLite file. The backend holds its file exclusively for
 * its whole life, so another process can neither lock it (and stall every write of the backend
 * for busy_timeout) nor boot a second backend on it; the OS drops the lock with the process, so
 * a crash leaves no stale lock behind.
 */
describe('Fault: a SQLite file used by two processes', () => {
  let environment: ScopedEnvironment;
  /** Every backend start, kept from the moment it is spawned so that none outlives the test. */
  const starts: Promise<BackendProcess>[] = [];
  const helpers: ChildProcess[] = [];

  beforeEach(() => {
    environment = new ScopedEnvironment('sqlite-lock');
  });

  afterEach(async () => {
    const backends = (await Promise.allSettled(starts.splice(0))).flatMap((started) =>
      started.status === 'fulfilled' ? [started.value.child] : [],
    );
    for (const child of [...helpers.splice(0), ...backends]) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    }
    environment.restore();
  });

  const databaseFile = (): string => join(environment.dir, 'realtime.sqlite');

  function start(): Promise<BackendProcess> {
    const starting = spawnBackend({ DATA_DIR: environment.dir, JWT_SECRET });
    starts.push(starting);
    return starting;
  }

  /** Boots a backend on the same file; the output of a refused boot, or the running backend. */
  async function attemptStart(): Promise<{ refused: string } | { started: BackendProcess }> {
    try {
      return { started: await start() };
    } catch (error) {
      return { refused: (error as Error).message };
    }
  }

  async function startLockHolder(): Promise<string> {
    const holder = spawn(process.execPath, ['-e', LOCK_HOLDER, databaseFile()], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    helpers.push(holder);
    const [line] = (await once(createInterface({ input: holder.stdout }), 'line', {
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    })) as [string];
    return line;
  }

  async function call(
    backend: BackendProcess,
    method: string,
    path: string,
    body?: unknown,
    token?: string,
  ): Promise<Timed & { body: any }> {
    const reply = await jsonRequest(`${backend.httpUrl}${path}`, {
      method,
      token,
      body,
      timeoutMs: REQUEST_TIMEOUT_MS,
    });
    return { status: reply.status, ms: reply.elapsedMs, body: reply.body };
  }

  async function signUp(backend: BackendProcess): Promise<string> {
    const credentials = { username: 'ada', password: 'correct horse battery' };
    expect((await call(backend, 'POST', '/auth/register', credentials)).status).toBe(201);
    const login = await call(backend, 'POST', '/auth/login', credentials);
    return login.body.accessToken as string;
  }

  /**
   * A write (a new reminder), with health checks one after another until it is answered: the
   * slowest of them shows whether the write stalled the whole process.
   */
  async function writeAndHealth(
    backend: BackendProcess,
    token: string,
    title: string,
  ): Promise<{ write: Timed; health: Timed; id?: string }> {
    const dueAt = new Date(Date.now() + 3_600_000).toISOString();
    let answered = false;
    const writing = call(backend, 'POST', '/reminders', { title, dueAt }, token).finally(() => {
      answered = true;
    });
    let health: Timed = { status: 0, ms: 0 };
    do {
      const check = await call(backend, 'GET', '/health');
      if (check.status !== 200 || check.ms >= health.ms)
        health = { status: check.status, ms: check.ms };
    } while (!answered);
    const write = await writing;
    return {
      write: { status: write.status, ms: write.ms },
      health,
      id: write.status === 201 ? (write.body.id as string) : undefined,
    };
  }

  it('another process cannot lock the file while the backend runs, so writes and /health stay fast', async () => {
    const backend = await start();
    const token = await signUp(backend);

    const holder = await startLockHolder();
    const { write, health } = await writeAndHealth(backend, token, 'while locked');

    expect({ holder, write, health }).toEqual({
      holder: 'busy SQLITE_BUSY',
      write: { status: 201, ms: fast },
      health: { status: 200, ms: fast },
    });
  }, 90_000);

  it('a second backend on the same file refuses to boot; the first keeps serving; after a SIGKILL the file boots again with every acknowledged write', async () => {
    const first = await start();
    const token = await signUp(first);
    const acknowledged: string[] = [];
    const before = await writeAndHealth(first, token, 'before');
    acknowledged.push(before.id!);

    const second = await attemptStart();
    const during = await writeAndHealth(first, token, 'during');
    acknowledged.push(during.id!);

    expect({ second: 'refused' in second ? 'refused' : 'started', during }).toMatchObject({
      second: 'refused',
      during: { write: { status: 201, ms: fast }, health: { status: 200, ms: fast } },
    });
    expect(second).toEqual({
      refused: expect.stringContaining(messages.sqliteFileInUse(databaseFile())),
    });
    expect(messages.sqliteFileInUse(databaseFile())).toContain('DATABASE_URL');

    first.child.kill('SIGKILL');
    await first.exited;
    const third = await start();
    const after = await writeAndHealth(third, token, 'after');
    acknowledged.push(after.id!);
    expect(after).toMatchObject({ write: { status: 201 }, health: { status: 200 } });

    // Audit: the database holds exactly the reminders whose creation was acknowledged.
    const listed = await call(third, 'GET', '/reminders?limit=100', undefined, token);
    expect(listed.status).toBe(200);
    expect((listed.body.items as { id: string }[]).map((r) => r.id).sort()).toEqual(
      acknowledged.sort(),
    );
  }, 180_000);
});

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { Pool } from 'pg';
import { freePort } from '../support/free-port';
import { jsonRequest } from '../support/json-request';
import { describeWithPostgres, TEST_POSTGRES_URL } from '../support/postgres';
import { TestRedisServer } from '../support/redis-server';
import { WsTestClient } from '../support/ws-test-client';

const ROOT = join(__dirname, '..', '..');
/** LOG_FORMAT=json lines carry the process id: `{…"pid":1234,…"msg":"Listening on http://…`. */
const LISTENING = /"pid":(\d+),.*"msg":"Listening on http:\/\/[\d.]+:(\d+)/g;

/**
 * `deploy/cluster.cjs`, the one-machine deployment docs/deployment.md shows: Node's cluster
 * module, workers sharing one port round-robin, no sticky sessions.
 */
describeWithPostgres('Several backend processes on one port (deploy/cluster.cjs)', () => {
  const schema = `rt_node_cluster_${Math.random().toString(16).slice(2, 10)}`;
  const admin = new Pool({ connectionString: TEST_POSTGRES_URL, max: 1 });
  let redis: TestRedisServer;
  let primary: ChildProcess;
  let output = '';
  let baseUrl: string;
  const clients: WsTestClient[] = [];

  /** Worker pids that said they listen, in order. */
  const listeningPids = (): number[] =>
    [...output.matchAll(LISTENING)].map((match) => Number(match[1]));

  function until(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        primary.stdout?.off('data', check);
        reject(new Error(`${what}: not within ${timeoutMs} ms:\n${output.slice(-2000)}`));
      }, timeoutMs);
      const check = (): void => {
        if (!condition()) return;
        clearTimeout(timer);
        primary.stdout?.off('data', check);
        resolve();
      };
      primary.stdout?.on('data', check);
      check();
    });
  }

  beforeAll(async () => {
    await admin.query(`create schema ${schema}`);
    redis = await TestRedisServer.start();
    const databaseUrl = new URL(TEST_POSTGRES_URL);
    databaseUrl.searchParams.set('options', `-c search_path=${schema}`);
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    // The workers inherit the primary's exec arguments: ts-node runs src/main.ts in each.
    primary = spawn(
      process.execPath,
      [
        '-r',
        'ts-node/register/transpile-only',
        '-r',
        'tsconfig-paths/register',
        join(ROOT, 'deploy', 'cluster.cjs'),
        join(ROOT, 'src', 'main.ts'),
      ],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          NODE_ENV: 'test',
          LOG_FORMAT: 'json',
          TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'),
          HOST: '127.0.0.1',
          PORT: String(port),
          WEB_CONCURRENCY: '2',
          DATABASE_URL: databaseUrl.toString(),
          REDIS_URL: redis.url,
          JWT_SECRET: 'node-cluster-test-secret-long-enough',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    primary.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    primary.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await until(() => new Set(listeningPids()).size === 2, 'two workers listening', 90_000);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    if (primary.exitCode === null && primary.signalCode === null) {
      const exited = once(primary, 'exit');
      primary.kill('SIGTERM');
      await exited;
    }
    await redis.stop();
    await admin.query(`drop schema if exists ${schema} cascade`);
    await admin.end();
  });

  it('two workers on one port deliver a push to every socket of the user, whichever worker holds it', async () => {
    const pids = new Set(listeningPids());
    expect([...pids].every((pid) => pid !== primary.pid)).toBe(true);
    expect(new Set(listeningPids().map(() => baseUrl)).size).toBe(1);

    const credentials = { username: 'nora', password: 'correct horse battery' };
    const registered = await jsonRequest(`${baseUrl}/auth/register`, {
      method: 'POST',
      body: credentials,
      timeoutMs: 10_000,
    });
    const login = await jsonRequest(`${baseUrl}/auth/login`, {
      method: 'POST',
      body: credentials,
      timeoutMs: 10_000,
    });
    const token = login.body.accessToken as string;
    const userId = registered.body.id as string;

    // Round-robin: four sockets in a row land on both workers.
    for (let i = 0; i < 4; i++) {
      const { client } = await WsTestClient.connect(`ws://127.0.0.1:${new URL(baseUrl).port}/ws`, {
        headers: { authorization: `Bearer ${token}` },
      });
      clients.push(client);
    }
    const sent = await jsonRequest(`${baseUrl}/notifications`, {
      method: 'POST',
      token,
      body: { to: { userId }, title: 'to every worker' },
      timeoutMs: 10_000,
    });
    expect(sent.status).toBe(201);
    const pushed = await Promise.all(clients.map((client) => client.next('notification', 15_000)));
    expect(pushed.map((frame): unknown[] => [frame.seq, frame.data.title])).toEqual(
      clients.map(() => [1, 'to every worker']),
    );
    // `delivered` counts the sockets of the instance that wrote it: fewer than four shows that
    // the others sat on the other worker and got theirs through Redis.
    expect(sent.body.delivered).toBeLessThan(4);
  });

  it('replaces a worker that dies, and stops every worker gracefully on SIGTERM', async () => {
    const [victim] = listeningPids();
    const before = listeningPids().length;
    process.kill(victim, 'SIGKILL');
    await until(() => listeningPids().length === before + 1, 'a replacement worker listening');
    expect(listeningPids().at(-1)).not.toBe(victim);

    const exited = once(primary, 'exit');
    primary.kill('SIGTERM');
    const closes = clients.map((client) => client.closed);
    const [code] = (await exited) as [number | null];
    expect(code).toBe(0);
    // Sockets on the surviving worker were closed with 1001 (going away); those on the killed
    // one saw their TCP connection drop (1006).
    const codes = (await Promise.all(closes)).map((close) => close.code);
    expect(codes.every((closeCode) => closeCode === 1001 || closeCode === 1006)).toBe(true);
    expect(codes).toContain(1001);
  }, 120_000);
});

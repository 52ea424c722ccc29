import { RealtimeCloseCode } from '@nest-realtime/core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnBackend, type BackendProcess } from './support/backend-process';
import { startBackend, type BackendTestApp } from './support/backend-test-app';
import { jsonRequest } from './support/json-request';
import { RawFrameClient, type RawFrame } from './support/raw-frame-client';

const CLOSE_OPCODE = 0x8;

describe('Reference backend: /health/live and /health/ready', () => {
  let backend: BackendTestApp | undefined;

  afterEach(async () => {
    await backend?.close();
    backend = undefined;
  });

  it('answers live and ready in terminus format, uncached, while serving', async () => {
    backend = await startBackend();
    const live = await jsonRequest(`${backend.httpUrl}/health/live`, { timeoutMs: 5_000 });
    expect(live.status).toBe(200);
    expect(live.body).toEqual({ status: 'ok', info: {}, error: {}, details: {} });
    const ready = await jsonRequest(`${backend.httpUrl}/health/ready`, { timeoutMs: 5_000 });
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({
      status: 'ok',
      info: { lifecycle: { status: 'up', state: 'serving' }, database: { status: 'up' } },
      error: {},
      details: { lifecycle: { status: 'up', state: 'serving' }, database: { status: 'up' } },
    });
    expect(ready.headers.get('cache-control')).toContain('no-store');
    // The summary keeps its shape.
    const summary = await jsonRequest(`${backend.httpUrl}/health`, { timeoutMs: 5_000 });
    expect(summary.body).toMatchObject({ status: 'ok', database: 'up' });
  });
});

describe('Reference backend: readiness during a SIGTERM drain', () => {
  let dataDir: string;
  let child: BackendProcess | undefined;
  let client: RawFrameClient | undefined;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'nest-realtime-ready-'));
  });

  afterEach(async () => {
    client?.close();
    client = undefined;
    if (child !== undefined && child.child.exitCode === null && child.child.signalCode === null) {
      child.child.kill('SIGKILL');
      await child.exited;
    }
    child = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers 503 on /health/ready while sockets are still open and draining', async () => {
    child = await spawnBackend({
      DATA_DIR: dataDir,
      JWT_SECRET: 'ready-test-secret-0123456789abcdef',
    });
    const { httpUrl } = child;
    const credentials = { username: 'ada', password: 'correct horse' };
    const request = (path: string, body?: object) =>
      jsonRequest(`${httpUrl}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        body,
        timeoutMs: 10_000,
      });
    expect((await request('/auth/register', credentials)).status).toBe(201);
    const { accessToken } = (await request('/auth/login', credentials)).body as {
      accessToken: string;
    };
    // A client that never answers the close handshake: the drain waits for it (up to the
    // library's shutdownTimeoutMs, 5 s), which is the window a load balancer's probe falls in.
    client = await RawFrameClient.open(child.wsUrl, { authorization: `Bearer ${accessToken}` });
    expect((await request('/health/ready')).status).toBe(200);

    child.child.kill('SIGTERM');
    let frame: RawFrame;
    do frame = await client.next(10_000);
    while (frame.opcode !== CLOSE_OPCODE);
    expect(frame.payload.readUInt16BE(0)).toBe(RealtimeCloseCode.GOING_AWAY);

    // The socket is open (its close handshake unanswered) and the process still serves HTTP.
    const ready = await request('/health/ready');
    expect(ready.status).toBe(503);
    // Terminus, which also watches the shutdown, names the state; the indicator says why.
    expect(ready.body).toMatchObject({
      status: 'shutting_down',
      error: { lifecycle: { status: 'down', state: 'draining' } },
    });
    // Terminus answers every check 503 `shutting_down` once shutdown began, liveness too: the
    // process still answers, and an orchestrator does not restart a container it is stopping.
    expect(await request('/health/live')).toMatchObject({
      status: 503,
      body: { status: 'shutting_down' },
    });
    expect(child.child.exitCode).toBeNull();

    client.close();
    const exit = await child.exited;
    expect(exit.code === 0 || exit.signal === 'SIGTERM').toBe(true);
  }, 90_000);
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killIfRunning, spawnBackend, type BackendProcess } from './support/backend-process';
import { jsonRequest } from './support/json-request';
import { handshakeStatus, WsTestClient } from './support/ws-test-client';

/** One pino line as LOG_FORMAT=json writes it. */
interface LogLine {
  level: number;
  time: number;
  msg: string;
  reqId?: string;
  req?: { url?: string; headers?: Record<string, string> };
  [field: string]: unknown;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SECRET = 'logging-test-secret-0123456789abcdef';
const PASSWORD = 'correct horse battery staple';

/** Every non-empty line of the output, parsed; a line that is not JSON fails the test here. */
function logLines(output: string): LogLine[] {
  return output
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as LogLine;
      } catch {
        throw new Error(`not a JSON log line: ${line}`);
      }
    });
}

describe('Reference backend: structured logs', () => {
  let dataDir: string;
  let backend: BackendProcess | undefined;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'nest-realtime-logs-'));
  });

  afterEach(async () => {
    await killIfRunning(backend);
    backend = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('writes JSON lines with request ids and operator events, and never a credential', async () => {
    backend = await spawnBackend({
      NODE_ENV: 'production',
      JWT_SECRET: SECRET,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
    });
    const { httpUrl, wsUrl } = backend;
    const credentials = { username: 'ada', password: PASSWORD };
    const registered = await jsonRequest(`${httpUrl}/auth/register`, {
      method: 'POST',
      body: credentials,
      timeoutMs: 10_000,
    });
    expect(registered.status).toBe(201);
    const generatedId = registered.headers.get('x-request-id');
    expect(generatedId).toMatch(UUID);
    const login = await jsonRequest(`${httpUrl}/auth/login`, {
      method: 'POST',
      body: credentials,
      timeoutMs: 10_000,
    });
    const token = login.body.accessToken as string;
    const failed = await jsonRequest(`${httpUrl}/auth/login`, {
      method: 'POST',
      body: { username: 'ada', password: 'wrong horse battery' },
      timeoutMs: 10_000,
    });
    expect(failed.status).toBe(401);
    const issued = await jsonRequest(`${httpUrl}/auth/ws-ticket`, {
      method: 'POST',
      token,
      timeoutMs: 10_000,
    });
    const ticket = issued.body.ticket as string;

    // A sane incoming id is kept and echoed; an unsafe one is replaced.
    const traced = await fetch(`${httpUrl}/no-such-page`, {
      headers: { 'x-request-id': 'edge-7f3a.42:1' },
    });
    expect(traced.headers.get('x-request-id')).toBe('edge-7f3a.42:1');
    const forged = await fetch(`${httpUrl}/no-such-page`, {
      headers: { 'x-request-id': `${'x'.repeat(200)}` },
    });
    expect(forged.headers.get('x-request-id')).toMatch(UUID);
    expect((await fetch(`${httpUrl}/health/live`)).headers.get('x-request-id')).toMatch(UUID);
    await (await fetch(`${httpUrl}/metrics`)).text();
    // Credentials in a plain request's query string and headers stay out of the log too.
    await fetch(`${httpUrl}/no-such-page?token=${token}&ticket=${ticket}`, {
      headers: { authorization: `Bearer ${token}`, cookie: `session=${token}` },
    });

    const byTicket = await WsTestClient.connect(`${wsUrl}?ticket=${encodeURIComponent(ticket)}`);
    const byToken = await WsTestClient.connect(`${wsUrl}?token=${encodeURIComponent(token)}`);
    expect(await handshakeStatus(`${wsUrl}?token=${token}x`)).toBe(401);
    await byTicket.client.close();
    // A close of the server's policy is logged (here 1008, the rate limit abused); a clean
    // close (1000) is not.
    for (let n = 0; n < 200; n++) byToken.client.send({ type: 'ping' });
    expect((await byToken.client.closed).code).toBe(1008);
    const held = await WsTestClient.connect(wsUrl, {
      headers: { authorization: `Bearer ${token}` },
    });

    backend.child.kill('SIGTERM');
    expect((await held.client.closed).code).toBe(1001);
    const exit = await backend.exited;
    expect(exit.code === 0 || exit.signal === 'SIGTERM').toBe(true);

    const output = backend.output();
    const lines = logLines(output);
    for (const line of lines) {
      expect(typeof line.level).toBe('number');
      expect(typeof line.time).toBe('number');
      expect(typeof line.msg).toBe('string');
    }
    const requests = lines.filter((line) => line.req !== undefined);
    expect(requests.length).toBeGreaterThanOrEqual(7);
    for (const line of requests) expect(line.reqId).toEqual(expect.any(String));
    expect(requests.map((line) => line.reqId)).toEqual(
      expect.arrayContaining([generatedId, 'edge-7f3a.42:1']),
    );
    // Probes and scrapes are not request-logged (they come every few seconds); the others are.
    expect(requests.filter((line) => /^\/(health|metrics)/.test(line.req?.url ?? ''))).toEqual([]);
    const queried = requests.find((line) => line.req?.url?.startsWith('/no-such-page?'));
    expect(queried?.req?.url).toBe('/no-such-page?token=[Redacted]&ticket=[Redacted]');
    expect(queried?.req?.headers).toMatchObject({
      authorization: '[Redacted]',
      cookie: '[Redacted]',
    });

    for (const secret of [token, ticket, PASSWORD, 'wrong horse battery', SECRET, 'Bearer ']) {
      expect(output).not.toContain(secret);
    }
    const messages = lines.map((line) => line.msg);
    expect(messages).toContainEqual(expect.stringMatching(/^Listening on http:\/\//));
    expect(messages).toContain('Login failed for username "ada" from 127.0.0.1');
    expect(messages).toContainEqual(
      expect.stringMatching(/^WebSocket handshake refused with 401 .*: path \/ws, origin none$/),
    );
    expect(messages).toContainEqual(
      expect.stringMatching(/^WebSocket connection .* closed with 1008$/),
    );
    expect(messages).not.toContainEqual(expect.stringMatching(/closed with 1000$/));
    expect(messages).toContainEqual(
      expect.stringMatching(
        /^Shutdown: 1 WebSocket connection\(s\) closed with 1001, 0 terminated/,
      ),
    );
  }, 90_000);

  it('writes text for people with LOG_FORMAT=pretty', async () => {
    backend = await spawnBackend({ JWT_SECRET: SECRET, DATA_DIR: dataDir, LOG_FORMAT: 'pretty' });
    await fetch(`${backend.httpUrl}/no-such-page`);
    const lines = backend
      .output()
      .split('\n')
      .filter((line) => line.trim() !== '');
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.some((line) => line.includes('Listening on http://'))).toBe(true);
    for (const line of lines) expect(() => JSON.parse(line) as unknown).toThrow();
  }, 90_000);
});

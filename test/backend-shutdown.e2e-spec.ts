import { RealtimeCloseCode } from '@nest-realtime/core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killIfRunning, spawnBackend, type BackendProcess } from './support/backend-process';
import { WsTestClient } from './support/ws-test-client';

async function post(url: string, body: object, token?: string): Promise<Record<string, unknown>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  return (await response.json()) as Record<string, unknown>;
}

describe('Reference backend: SIGTERM', () => {
  let dataDir: string;
  let backend: BackendProcess | undefined;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'nest-realtime-proc-'));
  });

  afterEach(async () => {
    await killIfRunning(backend);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('closes every client with 1001, then exits', async () => {
    backend = await spawnBackend({
      DATA_DIR: dataDir,
      JWT_SECRET: 'sigterm-test-secret-0123456789abcdef',
    });
    const credentials = { username: 'ada', password: 'correct horse' };
    await post(`${backend.httpUrl}/auth/register`, credentials);
    const { accessToken } = await post(`${backend.httpUrl}/auth/login`, credentials);
    const headers = { authorization: `Bearer ${String(accessToken)}` };
    const clients = await Promise.all([
      WsTestClient.connect(backend.wsUrl, { headers }),
      WsTestClient.connect(backend.wsUrl, { headers }),
    ]);

    backend.child.kill('SIGTERM');

    for (const { client } of clients) {
      expect(await client.closed).toEqual({
        code: RealtimeCloseCode.GOING_AWAY,
        reason: 'server shutting down',
      });
    }
    const exit = await backend.exited;
    expect(exit.code === 0 || exit.signal === 'SIGTERM').toBe(true);
    expect(backend.output()).not.toContain(String(accessToken));
  }, 90_000);
});

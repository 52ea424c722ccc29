import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import * as messages from '../src/config/config.messages';
import { spawnBackend, type BackendProcess } from './support/backend-process';
import { ScopedEnvironment } from './support/scoped-environment';
import { WsTestClient } from './support/ws-test-client';

/** A response's status and body, read whole. */
interface Answer {
  status: number;
  body: string;
}

/**
 * TLS in the backend itself: with TLS_CERT_FILE and TLS_KEY_FILE the real `main.ts` serves
 * HTTPS and `wss://` on its one port, and plain HTTP there no longer works.
 */
describe('Backend with TLS_CERT_FILE and TLS_KEY_FILE', () => {
  let environment: ScopedEnvironment;
  let backend: BackendProcess | undefined;
  let ca: Buffer;

  /** An HTTPS request trusting only the throwaway certificate. */
  function https(method: string, path: string, headers = {}, body?: object): Promise<Answer> {
    const url = new URL(path, backend!.httpUrl);
    return new Promise((resolve, reject) => {
      const outgoing = httpsRequest(url, { method, ca, headers }, (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
      });
      outgoing.once('error', reject);
      if (body === undefined) outgoing.end();
      else outgoing.end(JSON.stringify(body));
    });
  }

  beforeAll(async () => {
    environment = new ScopedEnvironment('tls');
    const cert = join(environment.dir, 'cert.pem');
    const key = join(environment.dir, 'key.pem');
    // A certificate for this test only, valid one day, for the address the backend binds.
    execFileSync(
      'openssl',
      [
        ...[
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-days',
          '1',
          '-subj',
          '/CN=localhost',
        ],
        ...['-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'],
        ...['-keyout', key, '-out', cert],
      ],
      { stdio: 'ignore' },
    );
    ca = readFileSync(cert);
    backend = await spawnBackend({
      DATA_DIR: environment.dir,
      JWT_SECRET: 'tls-test-secret-0123456789abcdef',
      TLS_CERT_FILE: cert,
      TLS_KEY_FILE: key,
    });
  });

  afterAll(async () => {
    backend?.child.kill('SIGKILL');
    await backend?.exited;
    environment.restore();
  });

  it('reports an https:// URL and a wss:// WebSocket', () => {
    expect(backend!.httpUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(backend!.wsUrl).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\/ws$/);
  });

  it('answers GET /health over HTTPS to a client trusting the certificate', async () => {
    const health = await https('GET', '/health');
    expect(health.status).toBe(200);
  });

  it('refuses a client that does not trust the certificate', async () => {
    await expect(
      new Promise((resolve, reject) => {
        httpsRequest(backend!.httpUrl, resolve).once('error', reject).end();
      }),
    ).rejects.toMatchObject({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
  });

  it('accepts an authenticated wss:// connection on the same port', async () => {
    const json = { 'content-type': 'application/json' };
    const credentials = { username: 'tls-user', password: 'correct horse battery' };
    expect((await https('POST', '/auth/register', json, credentials)).status).toBe(201);
    const login = await https('POST', '/auth/login', json, credentials);
    const { accessToken } = JSON.parse(login.body) as { accessToken: string };
    const { client, connected } = await WsTestClient.connect(backend!.wsUrl, {
      ca,
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(connected.type).toBe('connected');
    client.socket.close();
    await client.closed;
  });

  it('refuses to boot with a certificate but no key, naming both variables', async () => {
    await expect(
      spawnBackend({
        DATA_DIR: environment.dir,
        JWT_SECRET: 'tls-test-secret-0123456789abcdef',
        TLS_CERT_FILE: join(environment.dir, 'cert.pem'),
      }),
    ).rejects.toThrow(messages.tlsNeedsBoth());
  });

  it('no longer speaks plain HTTP on its port', async () => {
    const plain = backend!.httpUrl.replace('https:', 'http:');
    const outcome = await new Promise<string>((resolve) => {
      const outgoing = httpGet(`${plain}/health`, (response) => {
        response.resume();
        resolve(`HTTP ${response.statusCode}`);
      });
      outgoing.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    });
    // The TLS server hangs up on bytes that are no TLS handshake (ECONNRESET).
    expect(outcome).not.toMatch(/^HTTP/);
  });
});

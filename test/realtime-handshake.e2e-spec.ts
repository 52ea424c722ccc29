import { ConnectionRegistry } from '@nest-realtime/core';
import { createHmac } from 'node:crypto';
import {
  bearer,
  startLibraryTestApp,
  TEST_SECRET,
  type LibraryTestApp,
} from './support/library-test-app';
import { handshakeStatus, WsTestClient } from './support/ws-test-client';

/** A JWT signed by hand, to forge what @nestjs/jwt would refuse to produce. */
function forgeJwt(header: object, payload: object, secret?: string): string {
  const encode = (part: object): string => Buffer.from(JSON.stringify(part)).toString('base64url');
  const unsigned = `${encode(header)}.${encode(payload)}`;
  const signature =
    secret === undefined ? '' : createHmac('sha256', secret).update(unsigned).digest('base64url');
  return `${unsigned}.${signature}`;
}

describe('Handshake (library)', () => {
  let server: LibraryTestApp;

  afterEach(async () => {
    await server.close();
  });

  describe('authentication', () => {
    beforeEach(async () => {
      server = await startLibraryTestApp();
    });

    it('upgrades a request with a valid bearer token', async () => {
      expect(await handshakeStatus(server.url, bearer(server.token('alice')))).toBe(101);
    });

    it('accepts the token as ?token= (discouraged, but supported)', async () => {
      expect(await handshakeStatus(`${server.url}?token=${server.token('alice')}`)).toBe(101);
    });

    it('answers 401 without a token, and never upgrades', async () => {
      expect(await handshakeStatus(server.url)).toBe(401);
      expect(server.app.get(ConnectionRegistry).size).toBe(0);
    });

    it('answers 401 to a token with a bad signature', async () => {
      const forged = forgeJwt({ alg: 'HS256', typ: 'JWT' }, { sub: 'mallory' }, 'not-the-secret');
      expect(await handshakeStatus(server.url, bearer(forged))).toBe(401);
    });

    it('answers 401 to an expired token', async () => {
      const expired = forgeJwt(
        { alg: 'HS256', typ: 'JWT' },
        { sub: 'alice', exp: Math.floor(Date.now() / 1000) - 10 },
        TEST_SECRET,
      );
      expect(await handshakeStatus(server.url, bearer(expired))).toBe(401);
    });

    it('answers 401 to an unsigned token (alg none)', async () => {
      const unsigned = forgeJwt({ alg: 'none', typ: 'JWT' }, { sub: 'admin' });
      expect(await handshakeStatus(server.url, bearer(unsigned))).toBe(401);
    });

    it('answers 404 to an upgrade on another path', async () => {
      expect(
        await handshakeStatus(server.url.replace('/ws', '/other'), bearer(server.token('a'))),
      ).toBe(404);
    });
  });

  describe('origin', () => {
    beforeEach(async () => {
      server = await startLibraryTestApp({ allowedOrigins: ['https://app.example.com'] });
    });

    it('lets an allowed origin through', async () => {
      const options = { ...bearer(server.token('alice')), origin: 'https://app.example.com' };
      expect(await handshakeStatus(server.url, options)).toBe(101);
    });

    it('answers 403 to a foreign origin, before authentication', async () => {
      expect(
        await handshakeStatus(server.url, {
          ...bearer(server.token('a')),
          origin: 'https://evil.example',
        }),
      ).toBe(403);
      expect(await handshakeStatus(server.url, { origin: 'https://evil.example' })).toBe(403);
    });

    it('answers 403 to the null origin', async () => {
      expect(
        await handshakeStatus(server.url, { ...bearer(server.token('a')), origin: 'null' }),
      ).toBe(403);
    });

    it('lets a request without Origin (not a browser) through to authentication', async () => {
      expect(await handshakeStatus(server.url)).toBe(401);
      expect(await handshakeStatus(server.url, bearer(server.token('cli')))).toBe(101);
    });
  });

  describe('connection cap', () => {
    it('answers 429 to one connection more than maxConnectionsPerUser, per user', async () => {
      server = await startLibraryTestApp({ maxConnectionsPerUser: 2 });
      const token = server.token('alice');
      const open = await Promise.all([
        WsTestClient.connect(server.url, bearer(token)),
        WsTestClient.connect(server.url, bearer(token)),
      ]);
      expect(await handshakeStatus(server.url, bearer(token))).toBe(429);
      expect(await handshakeStatus(server.url, bearer(server.token('bob')))).toBe(101);
      await open[0].client.close();
      expect(await handshakeStatus(server.url, bearer(token))).toBe(101);
      await open[1].client.close();
    });
  });
});

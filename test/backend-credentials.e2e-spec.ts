import { createHmac } from 'node:crypto';
import request from 'supertest';
import { startBackend, type BackendTestApp } from './support/backend-test-app';
import { handshakeStatus, WsTestClient } from './support/ws-test-client';

/** The secret `startBackend` signs with, to forge tokens @nestjs/jwt would not produce. */
const BACKEND_SECRET = 'backend-test-secret-0123456789abcdef';

/** An HS256 JWT signed by hand with the backend's secret. */
function signJwt(payload: object): string {
  const encode = (part: object): string => Buffer.from(JSON.stringify(part)).toString('base64url');
  const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(payload)}`;
  return `${unsigned}.${createHmac('sha256', BACKEND_SECRET).update(unsigned).digest('base64url')}`;
}

describe('Reference backend: where credentials are read', () => {
  let backend: BackendTestApp;
  const clients: WsTestClient[] = [];

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await backend.close();
  });

  /** A ticket for `token`, issued the way a browser gets one. */
  async function ticketFor(token: string): Promise<string> {
    const issued = await request(backend.http)
      .post('/auth/ws-ticket')
      .set('authorization', `Bearer ${token}`)
      .expect(200);
    return issued.body.ticket as string;
  }

  describe('query-string credentials', () => {
    beforeEach(async () => {
      backend = await startBackend();
    });

    it('are not read on a REST route, even with Upgrade: websocket', async () => {
      const ada = await backend.signUp('ada');
      const count = await request(backend.http)
        .get(`/notifications/unread-count?token=${ada.token}`)
        .set('upgrade', 'websocket');
      expect(count.status).toBe(401);
    });

    it('cannot chain a ticket into another one through POST /auth/ws-ticket?ticket=', async () => {
      const ada = await backend.signUp('ada');
      const ticket = await ticketFor(ada.token);
      // A ticket cannot be swapped for a fresh one (which would make a one-time ticket
      // chainable into a session that never ends).
      const chained = await request(backend.http)
        .post(`/auth/ws-ticket?ticket=${ticket}`)
        .set('upgrade', 'websocket');
      expect(chained.status).toBe(401);
      // ...and it was not spent by the refused REST request.
      expect(await handshakeStatus(`${backend.wsUrl}?ticket=${ticket}`)).toBe(101);
    });

    it('still open a real WebSocket handshake: ?ticket= once, ?token=', async () => {
      const ada = await backend.signUp('ada');
      const ticket = await ticketFor(ada.token);
      expect(await handshakeStatus(`${backend.wsUrl}?ticket=${ticket}`)).toBe(101);
      expect(await handshakeStatus(`${backend.wsUrl}?ticket=${ticket}`)).toBe(401);
      expect(await handshakeStatus(`${backend.wsUrl}?token=${ada.token}`)).toBe(101);
    });
  });

  describe('token expiry', () => {
    beforeEach(async () => {
      backend = await startBackend();
    });

    it('refuses a correctly signed token without exp, on REST and on the handshake', async () => {
      const ada = await backend.signUp('ada');
      const claims = JSON.parse(
        Buffer.from(ada.token.split('.')[1], 'base64url').toString(),
      ) as Record<string, unknown>;
      const forever = { ...claims };
      delete forever.exp;
      const timeless = signJwt(forever);
      // The same claims with exp are fine: only the missing expiry is refused.
      const expiring = signJwt(claims);
      await request(backend.http)
        .get('/notifications/unread-count')
        .set('authorization', `Bearer ${expiring}`)
        .expect(200);
      await request(backend.http)
        .get('/notifications/unread-count')
        .set('authorization', `Bearer ${timeless}`)
        .expect(401);
      expect(
        await handshakeStatus(backend.wsUrl, { headers: { authorization: `Bearer ${timeless}` } }),
      ).toBe(401);
      expect(await handshakeStatus(`${backend.wsUrl}?token=${timeless}`)).toBe(401);
      await request(backend.http)
        .post('/auth/ws-ticket')
        .set('authorization', `Bearer ${timeless}`)
        .expect(401);
    });
  });

  describe('one-time tickets', () => {
    beforeEach(async () => {
      backend = await startBackend({ WS_MAX_CONNECTIONS_PER_USER: '1' });
    });

    it('are not spent by a handshake refused for its ?lastSeq=', async () => {
      const ada = await backend.signUp('ada');
      const ticket = await ticketFor(ada.token);
      expect(await handshakeStatus(`${backend.wsUrl}?ticket=${ticket}&lastSeq=abc`)).toBe(400);
      expect(await handshakeStatus(`${backend.wsUrl}?ticket=${ticket}&lastSeq=0`)).toBe(101);
      expect(await handshakeStatus(`${backend.wsUrl}?ticket=${ticket}`)).toBe(401);
    });

    it('are not spent by a handshake refused for the per-user connection cap', async () => {
      const ada = await backend.signUp('ada');
      const first = await WsTestClient.open(backend.wsUrl, {
        headers: { authorization: `Bearer ${ada.token}` },
      });
      clients.push(first);
      const ticket = await ticketFor(ada.token);
      expect(await handshakeStatus(`${backend.wsUrl}?ticket=${ticket}`)).toBe(429);
      await first.close();
      expect(await handshakeStatus(`${backend.wsUrl}?ticket=${ticket}`)).toBe(101);
    });

    it('admit one of two concurrent handshakes with the same ticket', async () => {
      const ada = await backend.signUp('ada');
      const ticket = await ticketFor(ada.token);
      const url = `${backend.wsUrl}?ticket=${ticket}`;
      const statuses = await Promise.all(
        [url, url].map((each) =>
          WsTestClient.open(each).then(
            (client) => {
              clients.push(client);
              return 101;
            },
            (error: { status?: number }) => error.status,
          ),
        ),
      );
      expect(statuses.sort()).toEqual([101, 401]);
    });
  });
});

import request from 'supertest';
import { startBackend, type BackendTestApp } from './support/backend-test-app';
import { handshakeStatus, WsTestClient } from './support/ws-test-client';

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
});

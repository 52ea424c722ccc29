import request from 'supertest';
import { startBackend, type BackendTestApp } from './support/backend-test-app';
import { WsTestClient } from './support/ws-test-client';

describe('Reference backend: GET /presence/:userId (one instance, no Redis)', () => {
  let backend: BackendTestApp;
  const clients: WsTestClient[] = [];

  beforeEach(async () => {
    backend = await startBackend();
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await backend.close();
  });

  async function connect(token: string): Promise<WsTestClient> {
    const { client } = await WsTestClient.connect(backend.wsUrl, {
      headers: { authorization: `Bearer ${token}` },
    });
    clients.push(client);
    return client;
  }

  const presenceOf = (userId: string, token?: string) => {
    const call = request(backend.http).get(`/presence/${userId}`);
    return token === undefined ? call : call.set('authorization', `Bearer ${token}`);
  };

  it("answers the user itself and admins from this instance's connections; others 403, anonymous 401, no UUID 400", async () => {
    const ada = await backend.signUp('ada');
    const bob = await backend.signUp('bob');
    const cy = await backend.signUp('cyd');
    expect(ada.role).toBe('admin');

    expect((await presenceOf(bob.id, bob.token).expect(200)).body).toEqual({
      userId: bob.id,
      online: false,
      connections: 0,
    });
    const first = await connect(bob.token);
    await connect(bob.token);
    expect((await presenceOf(bob.id, bob.token).expect(200)).body).toEqual({
      userId: bob.id,
      online: true,
      connections: 2,
    });
    expect((await presenceOf(bob.id, ada.token).expect(200)).body.connections).toBe(2);

    const forbidden = await presenceOf(bob.id, cy.token).expect(403);
    expect(forbidden.body.message).toBe("Only admins may see another user's presence");
    await presenceOf(bob.id).expect(401);
    const invalid = await presenceOf('not-a-uuid', ada.token).expect(400);
    expect(invalid.body.details).toEqual([expect.objectContaining({ field: 'userId' })]);

    await first.close();
    for (let attempt = 0; ; attempt++) {
      const { body } = await presenceOf(bob.id, bob.token).expect(200);
      if (body.connections === 1 || attempt === 100) {
        expect(body).toEqual({ userId: bob.id, online: true, connections: 1 });
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });
});

import request from 'supertest';
import { startBackend, type BackendTestApp } from './support/backend-test-app';
import { closeAll, WsTestClient } from './support/ws-test-client';

describe('Reference backend: durable notifications and the inbox', () => {
  let backend: BackendTestApp;
  const clients: WsTestClient[] = [];

  beforeEach(async () => {
    backend = await startBackend();
  });

  afterEach(async () => {
    await closeAll(clients.splice(0));
    await backend.close();
  });

  const as = (token: string) => ({ authorization: `Bearer ${token}` });

  async function notify(token: string, to: object, title: string) {
    return request(backend.http)
      .post('/notifications')
      .set(as(token))
      .send({ to, title })
      .expect(201);
  }

  async function connect(token: string, query = ''): Promise<WsTestClient> {
    const { client } = await WsTestClient.connect(`${backend.wsUrl}${query}`, {
      headers: as(token),
    });
    clients.push(client);
    return client;
  }

  it('keeps what was sent while offline: resume replays it, the inbox lists it', async () => {
    const admin = await backend.signUp('admin');
    const ada = await backend.signUp('ada');
    await notify(admin.token, { userId: ada.id }, 'first');
    await notify(admin.token, { all: true }, 'second');

    const client = await connect(ada.token, '?lastSeq=0');
    const replayed = [await client.next('notification'), await client.next('notification')];
    expect(replayed.map((f) => [f.seq, (f.data as { title: string }).title])).toEqual([
      [1, 'first'],
      [2, 'second'],
    ]);
    const live = await notify(admin.token, { userId: ada.id }, 'third');
    expect(live.body.delivered).toBe(1);
    expect((await client.next('notification')).seq).toBe(3);

    const page = await request(backend.http).get('/notifications').set(as(ada.token)).expect(200);
    expect(page.body.items.map((n: { title: string }) => n.title)).toEqual([
      'third',
      'second',
      'first',
    ]);
    expect(page.body.items[0]).toEqual({
      id: live.body.id,
      title: 'third',
      from: admin.id,
      createdAt: expect.any(String),
      readAt: null,
    });
    expect(page.body.nextBefore).toBeNull();
    // The admin got "second" (everyone) in its own inbox, not Ada's others.
    const adminPage = await request(backend.http).get('/notifications').set(as(admin.token));
    expect(adminPage.body.items.map((n: { title: string }) => n.title)).toEqual(['second']);
  });

  it('replays exactly the 50 entries pushed while away, in order, then live ones, no duplicate', async () => {
    const ada = await backend.signUp('ada');
    const online = await connect(ada.token);
    await notify(ada.token, { userId: ada.id }, 'before');
    const seen = (await online.next('notification')).seq!;
    await online.close();

    for (let i = 0; i < 50; i++) await notify(ada.token, { userId: ada.id }, `away-${i}`);
    const back = await connect(ada.token, `?lastSeq=${seen}`);
    const replayed = [];
    for (let i = 0; i < 50; i++) replayed.push(await back.next('notification'));
    expect(replayed.map((f) => f.seq)).toEqual(Array.from({ length: 50 }, (_, i) => seen + 1 + i));
    expect(replayed.map((f) => (f.data as { title: string }).title)).toEqual(
      Array.from({ length: 50 }, (_, i) => `away-${i}`),
    );
    await notify(ada.token, { userId: ada.id }, 'live');
    const live = await back.next('notification');
    expect(live).toMatchObject({ seq: seen + 51, data: { title: 'live' } });
    await back.request('ping');
    expect(back.pending.filter((f) => f.type === 'notification')).toEqual([]);
  });

  it('pages newest first with limit and before', async () => {
    const ada = await backend.signUp('ada');
    for (const title of ['n1', 'n2', 'n3', 'n4', 'n5']) {
      await notify(ada.token, { userId: ada.id }, title);
    }
    const first = await request(backend.http)
      .get('/notifications?limit=2')
      .set(as(ada.token))
      .expect(200);
    expect(first.body.items.map((n: { title: string }) => n.title)).toEqual(['n5', 'n4']);
    const second = await request(backend.http)
      .get(`/notifications?limit=2&before=${first.body.nextBefore}`)
      .set(as(ada.token))
      .expect(200);
    expect(second.body.items.map((n: { title: string }) => n.title)).toEqual(['n3', 'n2']);
    const third = await request(backend.http)
      .get(`/notifications?limit=2&before=${second.body.nextBefore}`)
      .set(as(ada.token))
      .expect(200);
    expect(third.body).toMatchObject({ items: [{ title: 'n1' }], nextBefore: null });
    await request(backend.http)
      .get('/notifications?before=not-mine')
      .set(as(ada.token))
      .expect(404);
    const invalid = await request(backend.http)
      .get('/notifications?limit=0&unread=maybe')
      .set(as(ada.token))
      .expect(400);
    expect(invalid.body.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'limit',
      'unread',
    ]);
  });

  it('keeps read state per user: read, unread-count, read-all; someone else’s is 404', async () => {
    const admin = await backend.signUp('admin');
    const ada = await backend.signUp('ada');
    const one = await notify(admin.token, { all: true }, 'one');
    await notify(admin.token, { all: true }, 'two');
    await notify(admin.token, { userId: ada.id }, 'three');
    const count = async (token: string) =>
      (await request(backend.http).get('/notifications/unread-count').set(as(token)).expect(200))
        .body.count as number;
    expect(await count(ada.token)).toBe(3);

    await request(backend.http)
      .post(`/notifications/${one.body.id}/read`)
      .set(as(ada.token))
      .expect(204);
    await request(backend.http)
      .post(`/notifications/${one.body.id}/read`)
      .set(as(ada.token))
      .expect(204);
    expect(await count(ada.token)).toBe(2);
    expect(await count(admin.token)).toBe(2);
    const unread = await request(backend.http)
      .get('/notifications?unread=true')
      .set(as(ada.token))
      .expect(200);
    expect(unread.body.items.map((n: { title: string }) => n.title)).toEqual(['three', 'two']);

    const adaOnly = (await request(backend.http).get('/notifications').set(as(ada.token))).body
      .items[0].id as string;
    await request(backend.http)
      .post(`/notifications/${adaOnly}/read`)
      .set(as(admin.token))
      .expect(404);

    const all = await request(backend.http)
      .post('/notifications/read-all')
      .set(as(ada.token))
      .expect(200);
    expect(all.body).toEqual({ updated: 2 });
    expect(await count(ada.token)).toBe(0);
    expect(await count(admin.token)).toBe(2);
  });
});

import request from 'supertest';
import { startBackend, type BackendTestApp } from './support/backend-test-app';

describe('Reference backend: Idempotency-Key on POST /reminders and POST /notifications', () => {
  let backend: BackendTestApp;

  beforeEach(async () => {
    backend = await startBackend();
  });

  afterEach(async () => {
    await backend.close();
  });

  const as = (token: string, key?: string) => ({
    authorization: `Bearer ${token}`,
    ...(key === undefined ? {} : { 'idempotency-key': key }),
  });

  it('replays the original response for the same key and body; another body is 422', async () => {
    const ada = await backend.signUp('ada');
    const dueAt = new Date(Date.now() + 3_600_000).toISOString();
    const body = { title: 'Once', dueAt };
    const first = await request(backend.http)
      .post('/reminders')
      .set(as(ada.token, 'k-1'))
      .send(body)
      .expect(201);
    // Same body with its keys in another order is the same request.
    const again = await request(backend.http)
      .post('/reminders')
      .set(as(ada.token, 'k-1'))
      .send({ dueAt, title: 'Once' })
      .expect(201);
    expect(again.body).toEqual(first.body);
    const list = await request(backend.http).get('/reminders').set(as(ada.token)).expect(200);
    expect(list.body.items).toHaveLength(1);

    await request(backend.http)
      .post('/reminders')
      .set(as(ada.token, 'k-1'))
      .send({ title: 'Other', dueAt })
      .expect(422);
    // The same key on the other route is another request too.
    await request(backend.http)
      .post('/notifications')
      .set(as(ada.token, 'k-1'))
      .send({ to: { userId: ada.id }, title: 'x' })
      .expect(422);
  });

  it('keeps keys per user, and handles requests without a key every time', async () => {
    const ada = await backend.signUp('ada');
    const bob = await backend.signUp('bob');
    const send = (token: string, to: string, key?: string) =>
      request(backend.http)
        .post('/notifications')
        .set(as(token, key))
        .send({ to: { userId: to }, title: 'hi' })
        .expect(201);
    const adaFirst = await send(ada.token, ada.id, 'shared');
    const bobFirst = await send(bob.token, bob.id, 'shared');
    expect(bobFirst.body.id).not.toBe(adaFirst.body.id);
    expect((await send(ada.token, ada.id, 'shared')).body).toEqual(adaFirst.body);
    await send(ada.token, ada.id);
    await send(ada.token, ada.id);
    const count = await request(backend.http)
      .get('/notifications/unread-count')
      .set(as(ada.token))
      .expect(200);
    expect(count.body.count).toBe(3);
  });

  it('frees the key of a request that failed, and refuses an empty or oversized key', async () => {
    const ada = await backend.signUp('ada');
    await request(backend.http)
      .post('/reminders')
      .set(as(ada.token, 'retry'))
      .send({ title: 'x', cron: '61 * * * *', timezone: 'UTC' })
      .expect(400);
    // A failed request does not pin its key: the corrected retry goes through.
    await request(backend.http)
      .post('/reminders')
      .set(as(ada.token, 'retry'))
      .send({ title: 'x', cron: '0 9 * * *', timezone: 'UTC' })
      .expect(201);
    await request(backend.http)
      .post('/reminders')
      .set(as(ada.token, 'k'.repeat(201)))
      .send({ title: 'x', cron: '0 9 * * *', timezone: 'UTC' })
      .expect(400);
  });
});

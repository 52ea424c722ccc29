import { SchedulerRegistry } from '@nestjs/schedule';
import request from 'supertest';
import {
  IDEMPOTENCY_PURGE_INTERVAL_NAME,
  IdempotencyPurger,
} from '../src/idempotency/idempotency.purger';
import { IdempotencyRepository } from '../src/idempotency/idempotency.repository';
import { startBackend, type BackendTestApp } from './support/backend-test-app';

describe('Reference backend: Idempotency-Key on POST /reminders and POST /notifications', () => {
  let backend: BackendTestApp;

  beforeEach(async () => {
    backend = await startBackend({ IDEMPOTENCY_RETENTION_HOURS: '1' });
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

  it('purges keys past retention on its interval: the same key is then handled afresh', async () => {
    const ada = await backend.signUp('ada');
    const send = () =>
      request(backend.http)
        .post('/notifications')
        .set(as(ada.token, 'daily'))
        .send({ to: { userId: ada.id }, title: 'hi' })
        .expect(201);
    const first = await send();
    expect(
      backend.app.get(SchedulerRegistry).getInterval(IDEMPOTENCY_PURGE_INTERVAL_NAME),
    ).toBeDefined();
    const purger = backend.app.get(IdempotencyPurger);
    // Within retention (one hour) nothing goes, and the key still replays.
    expect(await purger.run(Date.now() + 3_599_000)).toBe(0);
    expect((await send()).body).toEqual(first.body);
    expect(await purger.run(Date.now() + 3_600_001)).toBe(1);
    const again = await send();
    expect(again.body.id).not.toBe(first.body.id);
  });

  it('fences a claim: a takeover after the lease wins, the late first request can neither answer nor free the key', async () => {
    const keys = backend.app.get(IdempotencyRepository);
    const lease = 1_000;
    const t0 = 1_000_000;
    const first = await keys.claim('u1', 'k', 'hash-a', t0, lease);
    expect(await keys.claim('u1', 'k', 'hash-a', t0 + lease - 1, lease)).toEqual({
      kind: 'pending',
      leaseEndsAt: t0 + lease,
    });
    // Past the lease, even another request may take the key: the first one never took effect.
    const second = await keys.claim('u1', 'k', 'hash-b', t0 + lease, lease);
    expect(first.kind === 'new' && second.kind === 'new').toBe(true);
    if (first.kind !== 'new' || second.kind !== 'new') return;
    expect(await keys.complete(first.token, 201, { late: true })).toBe(false);
    await keys.release(first.token);
    expect(await keys.claim('u1', 'k', 'hash-b', t0 + lease + 1, lease)).toMatchObject({
      kind: 'pending',
    });
    expect(await keys.complete(second.token, 201, { id: 'x' })).toBe(true);
    expect(await keys.claim('u1', 'k', 'hash-b', t0 + 10 * lease, lease)).toEqual({
      kind: 'replay',
      status: 201,
      body: { id: 'x' },
    });
  });
});

import request from 'supertest';
import { startBackend, type BackendTestApp } from './support/backend-test-app';
import { closeAll, WsTestClient } from './support/ws-test-client';

describe('Reference backend: reminders', () => {
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

  it('pushes a reminder as schedule-reminder when it is due', async () => {
    const ada = await backend.signUp('ada');
    const { client } = await WsTestClient.connect(backend.wsUrl, { headers: as(ada.token) });
    clients.push(client);
    const dueAt = new Date(Date.now() + 500).toISOString();
    const created = await request(backend.http)
      .post('/reminders')
      .set(as(ada.token))
      .send({ title: 'Stand-up', body: 'room 2', dueAt })
      .expect(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      userId: ada.id,
      title: 'Stand-up',
      body: 'room 2',
      dueAt,
      createdAt: expect.any(String),
      lastFiredAt: null,
    });
    const frame = await client.next('schedule-reminder', 10_000);
    // The reminder itself, as a tutorial client shows `message.data`; `dueAt` is this occurrence.
    expect(frame).toEqual({
      type: 'schedule-reminder',
      seq: 1,
      id: expect.any(String),
      data: {
        id: created.body.id,
        userId: ada.id,
        title: 'Stand-up',
        body: 'room 2',
        createdAt: created.body.createdAt,
        dueAt,
        firedAt: expect.any(String),
        nextDueAt: null,
      },
    });
    const after = await request(backend.http)
      .get(`/reminders/${created.body.id}`)
      .set(as(ada.token))
      .expect(200);
    expect(after.body).toMatchObject({ dueAt: null, lastFiredAt: frame.data.firedAt });
  });

  it('fires a recurring reminder at each occurrence of its cron in its time zone', async () => {
    const ada = await backend.signUp('ada');
    const { client } = await WsTestClient.connect(backend.wsUrl, { headers: as(ada.token) });
    clients.push(client);
    const created = await request(backend.http)
      .post('/reminders')
      .set(as(ada.token))
      .send({ title: 'Tick', cron: '* * * * * *', timezone: 'Europe/Berlin' })
      .expect(201);
    expect(created.body).toMatchObject({ cron: '* * * * * *', timezone: 'Europe/Berlin' });
    const first = await client.next('schedule-reminder', 5_000);
    const second = await client.next('schedule-reminder', 5_000);
    expect([first.seq, second.seq]).toEqual([1, 2]);
    const [a, b] = [first, second].map((f) => Date.parse(f.data.dueAt as string));
    expect(a % 1000).toBe(0);
    expect(b).toBeGreaterThan(a);
    expect(second.data).toMatchObject({
      id: created.body.id,
      title: 'Tick',
      cron: '* * * * * *',
      timezone: 'Europe/Berlin',
    });
    // The reminder's next occurrence, after this one: the one that fires next.
    expect(Date.parse(first.data.nextDueAt as string)).toBe(b);
    await request(backend.http)
      .delete(`/reminders/${created.body.id}`)
      .set(as(ada.token))
      .expect(204);
  });

  it('refuses a schedule it cannot keep: 400 naming the field', async () => {
    const ada = await backend.signUp('ada');
    const post = (body: object) =>
      request(backend.http).post('/reminders').set(as(ada.token)).send(body).expect(400);
    const fields = (response: request.Response) =>
      (response.body.details as { field: string }[]).map((d) => d.field).sort();
    const soon = new Date(Date.now() + 60_000).toISOString();
    expect(
      fields(await post({ title: 't', dueAt: soon, cron: '0 9 * * *', timezone: 'UTC' })),
    ).toEqual(['dueAt']);
    expect(fields(await post({ title: 't', cron: '0 9 * * *' }))).toEqual(['timezone']);
    expect(fields(await post({ title: 't', cron: '0 9 * * *', timezone: 'Mars/Olympus' }))).toEqual(
      ['timezone'],
    );
    expect(fields(await post({ title: 't', cron: '61 * * * *', timezone: 'UTC' }))).toEqual([
      'cron',
    ]);
    expect(fields(await post({ title: 't' }))).toEqual(['dueAt']);
  });

  it('refuses a dueAt that is not RFC 3339 with an offset: 400 naming it, nothing stored', async () => {
    const ada = await backend.signUp('ada');
    const later = new Date(Date.now() + 3_600_000).toISOString();
    const kept = await request(backend.http)
      .post('/reminders')
      .set(as(ada.token))
      .send({ title: 'Kept', dueAt: later })
      .expect(201);
    // ISO 8601 all, but no RFC 3339 date-time: week dates, ordinal dates, the basic format,
    // and a local time without an offset (whose instant nobody can tell).
    const answers = [];
    for (const dueAt of ['2026-W50-1', '2026-335', '20261201T000000Z', '2026-12-01T10:00:00']) {
      for (const response of [
        await request(backend.http)
          .post('/reminders')
          .set(as(ada.token))
          .send({ title: 'P', dueAt }),
        await request(backend.http)
          .patch(`/reminders/${kept.body.id}`)
          .set(as(ada.token))
          .send({ dueAt }),
      ]) {
        answers.push({ dueAt, status: response.status, details: response.body.details });
      }
    }
    const list = await request(backend.http).get('/reminders').set(as(ada.token)).expect(200);
    expect({ answers, stored: list.body.items }).toEqual({
      answers: answers.map(({ dueAt }) => ({
        dueAt,
        status: 400,
        details: [{ field: 'dueAt', constraints: { isRfc3339DateTime: expect.any(String) } }],
      })),
      stored: [kept.body],
    });
    // What RFC 3339 allows: any offset, a lower-case separator, fractions of a second.
    for (const dueAt of ['2026-12-01T10:00:00+05:30', '2026-12-01t10:00:00.5z']) {
      await request(backend.http)
        .patch(`/reminders/${kept.body.id}`)
        .set(as(ada.token))
        .send({ dueAt })
        .expect(200);
    }
  });

  it('changes and snoozes only your own reminders', async () => {
    const ada = await backend.signUp('ada');
    const bob = await backend.signUp('bob');
    const { client } = await WsTestClient.connect(backend.wsUrl, { headers: as(ada.token) });
    clients.push(client);
    const later = new Date(Date.now() + 3_600_000).toISOString();
    const created = await request(backend.http)
      .post('/reminders')
      .set(as(ada.token))
      .send({ title: 'Draft', body: 'old', dueAt: later })
      .expect(201);
    const url = `/reminders/${created.body.id}`;

    const renamed = await request(backend.http)
      .patch(url)
      .set(as(ada.token))
      .send({ title: 'Final', body: null })
      .expect(200);
    expect(renamed.body).toMatchObject({ title: 'Final', dueAt: later });
    expect(renamed.body).not.toHaveProperty('body');

    const recurring = await request(backend.http)
      .patch(url)
      .set(as(ada.token))
      .send({ cron: '0 9 * * 1-5', timezone: 'Europe/Berlin' })
      .expect(200);
    expect(recurring.body).toMatchObject({ cron: '0 9 * * 1-5', timezone: 'Europe/Berlin' });
    expect(new Date(recurring.body.dueAt as string).getUTCMinutes()).toBe(0);

    const snoozed = await request(backend.http)
      .post(`${url}/snooze`)
      .set(as(ada.token))
      .send({ minutes: 10 })
      .expect(200);
    const delay = Date.parse(snoozed.body.dueAt as string) - Date.now();
    expect(delay).toBeGreaterThan(9 * 60_000);
    expect(delay).toBeLessThanOrEqual(10 * 60_000);

    // Back to one-off, in the past: it fires at once.
    const past = new Date(Date.now() - 1_000).toISOString();
    await request(backend.http).patch(url).set(as(ada.token)).send({ dueAt: past }).expect(200);
    expect((await client.next('schedule-reminder', 5_000)).data).toMatchObject({
      id: created.body.id,
      title: 'Final',
      dueAt: past,
      nextDueAt: null,
    });

    await request(backend.http).patch(url).set(as(bob.token)).send({ title: 'x' }).expect(404);
    await request(backend.http)
      .post(`${url}/snooze`)
      .set(as(bob.token))
      .send({ minutes: 5 })
      .expect(404);
    await request(backend.http)
      .post(`${url}/snooze`)
      .set(as(ada.token))
      .send({ minutes: 0 })
      .expect(400);
    await request(backend.http)
      .patch(url)
      .set(as(ada.token))
      .send({ dueAt: later, cron: '0 9 * * *' })
      .expect(400);
  });

  it('fires a reminder due in the past at once', async () => {
    const ada = await backend.signUp('ada');
    const { client } = await WsTestClient.connect(backend.wsUrl, { headers: as(ada.token) });
    clients.push(client);
    const dueAt = new Date(Date.now() - 3_600_000).toISOString();
    await request(backend.http)
      .post('/reminders')
      .set(as(ada.token))
      .send({ title: 'Overdue', dueAt })
      .expect(201);
    expect((await client.next('schedule-reminder', 5_000)).data.dueAt).toBe(dueAt);
  });

  it('lists, reads and deletes only your own; someone else’s is 404', async () => {
    const ada = await backend.signUp('ada');
    const bob = await backend.signUp('bob');
    const dueAt = new Date(Date.now() + 3_600_000).toISOString();
    const mine = await request(backend.http)
      .post('/reminders')
      .set(as(ada.token))
      .send({ title: 'Mine', dueAt })
      .expect(201);
    const list = await request(backend.http).get('/reminders').set(as(ada.token)).expect(200);
    expect(list.body.items.map((r: { id: string }) => r.id)).toEqual([mine.body.id]);
    expect(
      (await request(backend.http).get('/reminders').set(as(bob.token)).expect(200)).body.items,
    ).toEqual([]);
    await request(backend.http).get(`/reminders/${mine.body.id}`).set(as(bob.token)).expect(404);
    await request(backend.http).delete(`/reminders/${mine.body.id}`).set(as(bob.token)).expect(404);
    await request(backend.http).delete(`/reminders/${mine.body.id}`).set(as(ada.token)).expect(204);
    await request(backend.http).get(`/reminders/${mine.body.id}`).set(as(ada.token)).expect(404);
  });

  it('pages your reminders newest first with limit and before', async () => {
    const ada = await backend.signUp('ada');
    const dueAt = new Date(Date.now() + 3_600_000).toISOString();
    for (const title of ['r1', 'r2', 'r3']) {
      await request(backend.http)
        .post('/reminders')
        .set(as(ada.token))
        .send({ title, dueAt })
        .expect(201);
    }
    const first = await request(backend.http)
      .get('/reminders?limit=2')
      .set(as(ada.token))
      .expect(200);
    expect(first.body.items.map((r: { title: string }) => r.title)).toEqual(['r3', 'r2']);
    const second = await request(backend.http)
      .get(`/reminders?limit=2&before=${first.body.nextBefore}`)
      .set(as(ada.token))
      .expect(200);
    expect(second.body).toMatchObject({ items: [{ title: 'r1' }], nextBefore: null });
    await request(backend.http).get('/reminders?before=nope').set(as(ada.token)).expect(404);
  });

  it('answers an invalid body with 400 and field details, and needs a token', async () => {
    const ada = await backend.signUp('ada');
    const invalid = await request(backend.http)
      .post('/reminders')
      .set(as(ada.token))
      .send({ title: '', dueAt: 'tomorrow', extra: 1 })
      .expect(400);
    expect(invalid.body.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'dueAt',
      'extra',
      'title',
    ]);
    await request(backend.http).get('/reminders').expect(401);
  });
});

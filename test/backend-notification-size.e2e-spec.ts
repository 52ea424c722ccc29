import request from 'supertest';
import { startBackend, type BackendTestApp } from './support/backend-test-app';

describe('Reference backend: the size cap on durable entry data', () => {
  let backend: BackendTestApp;

  beforeEach(async () => {
    backend = await startBackend();
  });

  afterEach(async () => {
    await backend.close();
  });

  it('answers 413 for a notification over the cap, writes nothing, and takes one under it', async () => {
    const ada = await backend.signUp('ada');
    const as = { authorization: `Bearer ${ada.token}` };
    // 70 000 bytes of data: under the HTTP body limit, over the 64 KiB a log entry may carry.
    const tooBig = await request(backend.http)
      .post('/notifications')
      .set(as)
      .send({ to: { userId: ada.id }, title: 'big', data: { blob: 'x'.repeat(70_000) } })
      .expect(413);
    expect(tooBig.body.message).toMatch(/at most 65536 are accepted/);
    const inbox = await request(backend.http).get('/notifications').set(as).expect(200);
    expect(inbox.body.items).toEqual([]);

    await request(backend.http)
      .post('/notifications')
      .set(as)
      .send({ to: { userId: ada.id }, title: 'fits', data: { blob: 'x'.repeat(60_000) } })
      .expect(201);
    const after = await request(backend.http).get('/notifications').set(as).expect(200);
    expect(after.body.items.map((item: { title: string }) => item.title)).toEqual(['fits']);
  });
});

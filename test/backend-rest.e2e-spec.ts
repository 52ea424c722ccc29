import request from 'supertest';
import { startBackend, type BackendTestApp } from './support/backend-test-app';

describe('Reference backend: REST', () => {
  let backend: BackendTestApp;

  beforeEach(async () => {
    backend = await startBackend({ ADMIN_USERNAMES: 'root' });
  });

  afterEach(async () => {
    await backend.close();
  });

  it('registers users: the first is admin, the rest users; duplicates are 409', async () => {
    const first = await request(backend.http)
      .post('/auth/register')
      .send({ username: 'ada', password: 'correct horse' });
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ id: expect.any(String), username: 'ada', role: 'admin' });
    const second = await request(backend.http)
      .post('/auth/register')
      .send({ username: 'bob', password: 'correct horse' });
    expect(second.body.role).toBe('user');
    const root = await request(backend.http)
      .post('/auth/register')
      .send({ username: 'root', password: 'correct horse' });
    expect(root.body.role).toBe('admin');
    expect(first.body).not.toHaveProperty('passwordHash');
    const duplicate = await request(backend.http)
      .post('/auth/register')
      .send({ username: 'ada', password: 'another one' });
    expect(duplicate.status).toBe(409);
  });

  it('logs in with the right password only, with one answer for unknown users and bad passwords', async () => {
    await backend.signUp('ada', 'correct horse');
    const ok = await request(backend.http)
      .post('/auth/login')
      .send({ username: 'ada', password: 'correct horse' });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({
      accessToken: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      expiresIn: 3600,
    });
    const wrong = await request(backend.http)
      .post('/auth/login')
      .send({ username: 'ada', password: 'wrong password' });
    const unknown = await request(backend.http)
      .post('/auth/login')
      .send({ username: 'nobody', password: 'wrong password' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
  });

  it('answers invalid bodies with 400 and field details', async () => {
    const response = await request(backend.http)
      .post('/auth/register')
      .send({ username: 'a', password: 1, admin: true });
    expect(response.status).toBe(400);
    const fields = (response.body.details as { field: string }[]).map((d) => d.field).sort();
    expect(fields).toEqual(['admin', 'password', 'username']);
  });

  it('answers unknown routes with 404 and reports health', async () => {
    expect((await request(backend.http).get('/nope')).status).toBe(404);
    const health = await request(backend.http).get('/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok', database: 'up' });
  });

  it('issues WebSocket tickets to authenticated users only', async () => {
    const { token } = await backend.signUp('ada');
    expect((await request(backend.http).post('/auth/ws-ticket')).status).toBe(401);
    const issued = await request(backend.http)
      .post('/auth/ws-ticket')
      .set('authorization', `Bearer ${token}`);
    expect(issued.status).toBe(200);
    expect(issued.body).toEqual({ ticket: expect.any(String), expiresIn: 30 });
  });

  it('does not accept a token in the query string of a REST route', async () => {
    const { token } = await backend.signUp('ada');
    expect((await request(backend.http).post(`/auth/ws-ticket?token=${token}`)).status).toBe(401);
  });

  describe('POST /notifications', () => {
    it('lets a user notify itself and refuses anyone else with 403', async () => {
      await backend.signUp('admin');
      const ada = await backend.signUp('ada');
      const bob = await backend.signUp('bob');
      const self = await request(backend.http)
        .post('/notifications')
        .set('authorization', `Bearer ${ada.token}`)
        .send({ to: { userId: ada.id }, title: 'note to self' });
      expect(self.status).toBe(201);
      expect(self.body).toEqual({ id: expect.any(String), delivered: 0 });
      for (const to of [{ userId: bob.id }, { room: 'public:lobby' }, { all: true }]) {
        const refused = await request(backend.http)
          .post('/notifications')
          .set('authorization', `Bearer ${ada.token}`)
          .send({ to, title: 'hi' });
        expect(refused.status).toBe(403);
      }
    });

    it('requires authentication and a valid body', async () => {
      const admin = await backend.signUp('admin');
      expect(
        (
          await request(backend.http)
            .post('/notifications')
            .send({ to: { all: true }, title: 'x' })
        ).status,
      ).toBe(401);
      const cases: [unknown, string][] = [
        [{ to: { userId: 'a', all: true }, title: 'x' }, 'to'],
        [{ to: {}, title: 'x' }, 'to'],
        [{ to: { all: true } }, 'title'],
        [{ to: { all: 'yes' }, title: 'x' }, 'to.all'],
        [{ to: { all: true }, title: 'x', data: 'not an object' }, 'data'],
      ];
      for (const [body, field] of cases) {
        const response = await request(backend.http)
          .post('/notifications')
          .set('authorization', `Bearer ${admin.token}`)
          .send(body as object);
        expect(response.status).toBe(400);
        expect((response.body.details as { field: string }[]).map((d) => d.field)).toContain(field);
      }
    });
  });
});

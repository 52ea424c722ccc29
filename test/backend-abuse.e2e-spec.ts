import type { Kysely } from 'kysely';
import { randomBytes, randomUUID, scryptSync } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import request from 'supertest';
import { DATABASE } from '../src/database';
import type { DatabaseSchema } from '../src/database/database.schema';
import { startBackend, type BackendTestApp } from './support/backend-test-app';

describe('Reference backend: REST abuse protection', () => {
  let backend: BackendTestApp | undefined;

  afterEach(async () => {
    await backend?.close();
    backend = undefined;
  });

  const login = (username: string, password: string) =>
    request(backend!.http).post('/auth/login').send({ username, password });

  it('answers 429 with Retry-After past the default per-IP login limit (10 a minute)', async () => {
    // The real default THROTTLE_AUTH_LIMIT (the test support loosens it for other suites).
    backend = await startBackend({ THROTTLE_AUTH_LIMIT: '' });
    // A different username each time, so that only the per-IP limit can refuse.
    for (let attempt = 0; attempt < 10; attempt++) {
      await login(`nobody${attempt}`, 'wrong password').expect(401);
    }
    const refused = await login('nobody10', 'wrong password').expect(429);
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Register has its own budget; other routes only the generous default one.
    await request(backend.http)
      .post('/auth/register')
      .send({ username: 'ada', password: 'correct horse' })
      .expect(201);
    await request(backend.http).get('/health').expect(200);
  });

  it('backs a username off after repeated failures and lets the real user in after the window', async () => {
    const baseMs = 400;
    backend = await startBackend({
      LOGIN_BACKOFF_THRESHOLD: '3',
      LOGIN_BACKOFF_BASE_MS: String(baseMs),
      LOGIN_BACKOFF_MAX_MS: '2000',
    });
    await backend.signUp('ada', 'correct horse');
    await backend.signUp('bob', 'correct horse');
    for (let attempt = 0; attempt < 3; attempt++) {
      await login('ada', 'wrong password').expect(401);
    }
    // Refused without checking the password, even the right one.
    const refused = await login('ada', 'correct horse').expect(429);
    expect(refused.headers['retry-after']).toBe('1');
    // Another username is unaffected.
    await login('bob', 'correct horse').expect(200);

    // The refusal window is the event here; nothing else announces its end.
    await delay(baseMs + 50);
    await login('ada', 'correct horse').expect(200);
    // The success reset the count: a new failure is a plain 401, not a refusal.
    await login('ada', 'wrong password').expect(401);
    await login('ada', 'correct horse').expect(200);
  });

  it('refuses with 503 and Retry-After, at once, the hashing beyond its bound', async () => {
    backend = await startBackend({
      PASSWORD_HASH_COST: '16',
      PASSWORD_HASH_CONCURRENCY: '1',
      PASSWORD_HASH_QUEUE_LIMIT: '1',
    });
    const register = async (username: string) => {
      const started = performance.now();
      const reply = await request(backend!.http)
        .post('/auth/register')
        .send({ username, password: 'correct horse' });
      return { reply, elapsedMs: performance.now() - started };
    };
    const outcomes = await Promise.all([register('ada'), register('bob'), register('cyd')]);
    const statuses = outcomes.map(({ reply }) => reply.status).sort();
    expect(statuses).toEqual([201, 201, 503]);
    const refused = outcomes.find(({ reply }) => reply.status === 503)!;
    expect(refused.reply.headers['retry-after']).toBe('1');
    const slowest = Math.max(...outcomes.map(({ elapsedMs }) => elapsedMs));
    expect(refused.elapsedMs).toBeLessThan(slowest);
  });

  it('re-hashes an old-cost password hash at the current cost on a successful login', async () => {
    backend = await startBackend({ PASSWORD_HASH_COST: '11' });
    const db = backend.app.get<Kysely<DatabaseSchema>>(DATABASE);
    const salt = randomBytes(16);
    const key = scryptSync('correct horse', salt, 32, { N: 2 ** 10, r: 8, p: 1 });
    const oldHash = `scrypt$1024$8$1$${salt.toString('base64')}$${key.toString('base64')}`;
    await db
      .insertInto('users')
      .values({
        id: randomUUID(),
        username: 'old-timer',
        password_hash: oldHash,
        role: 'user',
        created_at: new Date().toISOString(),
      })
      .execute();

    await login('old-timer', 'correct horse').expect(200);
    const { password_hash: stored } = await db
      .selectFrom('users')
      .select('password_hash')
      .where('username', '=', 'old-timer')
      .executeTakeFirstOrThrow();
    expect(stored).toMatch(/^scrypt\$2048\$8\$1\$/);
    // The new hash verifies; the old one is gone.
    await login('old-timer', 'correct horse').expect(200);
    await login('old-timer', 'wrong password').expect(401);
  });
});

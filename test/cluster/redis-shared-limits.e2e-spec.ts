import { ThrottlerStorageService } from '@nestjs/throttler';
import { once } from 'node:events';
import { Redis } from 'ioredis';
import { RedisLoginBackoffStore } from '../../src/auth/redis-login-backoff.store';
import { RedisThrottlerStorage } from '../../src/throttling/redis-throttler.storage';
import { TestRedisServer } from '../support/redis-server';

const POLICY = { threshold: 2, baseMs: 10_000, maxMs: 40_000 };

/**
 * The backend's shared counters on a real `redis-server`: two clients stand for two instances.
 * What the backend makes of them (429s, Retry-After, failing over) is tested end to end in
 * backend-abuse-shared.e2e-spec.ts.
 */
describe('Request limits and login backoff in Redis', () => {
  let redis: TestRedisServer;
  const clients: Redis[] = [];
  const fallbacks: ThrottlerStorageService[] = [];

  /** A client as ClusterConnections makes it, connected. */
  async function client(): Promise<Redis> {
    const created = new Redis(redis.url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: 1_000,
    });
    created.on('error', () => undefined);
    clients.push(created);
    await once(created, 'ready');
    return created;
  }

  function throttler(on: Redis): {
    storage: RedisThrottlerStorage;
    fallback: ThrottlerStorageService;
  } {
    const fallback = new ThrottlerStorageService();
    fallbacks.push(fallback);
    return { storage: new RedisThrottlerStorage(on, fallback, 'test:throttle:'), fallback };
  }

  beforeEach(async () => {
    redis = await TestRedisServer.start();
  });

  afterEach(async () => {
    for (const created of clients.splice(0)) created.disconnect();
    for (const fallback of fallbacks.splice(0)) fallback.onApplicationShutdown();
    await redis.stop();
  });

  it('counts the hits of one key from two instances together, and blocks both past the limit', async () => {
    const a = throttler(await client()).storage;
    const b = throttler(await client()).storage;
    const hits = [];
    for (let n = 0; n < 4; n++) {
      hits.push(await (n % 2 === 0 ? a : b).increment('198.51.100.1', 60_000, 3, 30_000, 'auth'));
    }
    expect(hits.map((hit) => [hit.totalHits, hit.isBlocked])).toEqual([
      [1, false],
      [2, false],
      [3, false],
      [4, true],
    ]);
    expect(hits[0].timeToExpire).toBe(60);
    expect(hits[3].timeToBlockExpire).toBe(30);
    // Blocked on both; another key, or another throttler's count of the same key, is not.
    expect((await a.increment('198.51.100.1', 60_000, 3, 30_000, 'auth')).isBlocked).toBe(true);
    expect((await b.increment('198.51.100.2', 60_000, 3, 30_000, 'auth')).isBlocked).toBe(false);
    expect((await b.increment('198.51.100.1', 60_000, 3, 30_000, 'default')).isBlocked).toBe(false);
  });

  it('starts a key afresh once its block ends', async () => {
    const { storage } = throttler(await client());
    for (let n = 0; n < 2; n++) await storage.increment('k', 60_000, 1, 200, 'auth');
    expect((await storage.increment('k', 60_000, 1, 200, 'auth')).isBlocked).toBe(true);
    // Real time: the block is Redis's own expiry.
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await storage.increment('k', 60_000, 1, 200, 'auth')).toMatchObject({
      totalHits: 1,
      isBlocked: false,
    });
  });

  it('counts in this process while Redis is down, at once, and in Redis again once it is back', async () => {
    const on = await client();
    const { storage, fallback } = throttler(on);
    await storage.increment('k', 60_000, 10, 60_000, 'auth');
    await redis.kill();
    const started = performance.now();
    // The first hit may meet the dropped connection mid-command; none throws.
    const local = [];
    for (let n = 0; n < 3; n++)
      local.push(await storage.increment('k', 60_000, 10, 60_000, 'auth'));
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(local.map((hit) => hit.totalHits)).toEqual([1, 2, 3]);
    expect(fallback.storage.size).toBe(1);
    await redis.restart();
    if (on.status !== 'ready') await once(on, 'ready');
    // Redis lost its counts with its process (no persistence): the count restarts there.
    expect((await storage.increment('k', 60_000, 10, 60_000, 'auth')).totalHits).toBe(1);
  });

  it('backs a username off on every instance after failures recorded on several', async () => {
    const a = new RedisLoginBackoffStore(await client(), POLICY, 'test:login:');
    const b = new RedisLoginBackoffStore(await client(), POLICY, 'test:login:');
    await a.recordFailure('ada');
    expect(await b.refusedFor('ada')).toBe(0);
    await b.recordFailure('ada');
    for (const store of [a, b]) {
      const refused = await store.refusedFor('ada');
      expect(refused).toBeGreaterThan(9_000);
      expect(refused).toBeLessThanOrEqual(10_000);
    }
    await a.recordFailure('ada');
    expect(await b.refusedFor('ada')).toBeGreaterThan(19_000);
    expect(await a.refusedFor('bob')).toBe(0);
    await b.forget('ada');
    expect(await a.refusedFor('ada')).toBe(0);
    await a.recordFailure('ada');
    expect(await a.refusedFor('ada')).toBe(0);
  });

  it('backs off in memory while Redis is down, without throwing', async () => {
    const store = new RedisLoginBackoffStore(await client(), POLICY, 'test:login:');
    await redis.kill();
    await store.recordFailure('ada');
    await store.recordFailure('ada');
    expect(await store.refusedFor('ada')).toBeGreaterThan(9_000);
    await store.forget('ada');
    expect(await store.refusedFor('ada')).toBe(0);
  });
});

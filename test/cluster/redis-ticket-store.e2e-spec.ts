import { WsTicketService } from '@nest-realtime/core';
import { RedisWsTicketStore } from '@nest-realtime/core/redis';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { ServiceUnavailableException } from '@nestjs/common';
import * as messages from '../../libs/realtime/src/realtime.messages';
import { startLibraryTestApp, type LibraryTestApp } from '../support/library-test-app';
import { TestRedisServer } from '../support/redis-server';

describe('One-time tickets in Redis (several instances)', () => {
  let redis: TestRedisServer;
  let stores: RedisWsTicketStore[] = [];
  let servers: LibraryTestApp[] = [];
  let keyPrefix: string;

  function store(): RedisWsTicketStore {
    const created = new RedisWsTicketStore({ url: redis.url, keyPrefix });
    stores.push(created);
    return created;
  }

  beforeEach(async () => {
    redis = await TestRedisServer.start();
    keyPrefix = `test:${randomBytes(4).toString('hex')}:`;
  });

  afterEach(async () => {
    await Promise.all(servers.map((server) => server.close()));
    servers = [];
    for (const created of stores) created.close();
    stores = [];
    await redis.stop();
  });

  it('a ticket issued on one instance is accepted once, on another', async () => {
    const a = await startLibraryTestApp({ ticketStore: store() });
    const b = await startLibraryTestApp({ ticketStore: store() });
    servers.push(a, b);

    const { ticket } = await a.app.get(WsTicketService).issue({ sub: 'alice', role: 'user' });

    expect(await b.app.get(WsTicketService).redeem(ticket)).toEqual({ sub: 'alice', role: 'user' });
    expect(await b.app.get(WsTicketService).redeem(ticket)).toBeUndefined();
    expect(await a.app.get(WsTicketService).redeem(ticket)).toBeUndefined();
  });

  it('of concurrent takes of one ticket on several instances, exactly one gets it', async () => {
    const [first, ...others] = [store(), store(), store()];
    await first.put('contested', { sub: 'bob' }, Date.now() + 30_000);

    const taken = await Promise.all(
      Array.from({ length: 30 }, (_, i) => [first, ...others][i % 3].take('contested', Date.now())),
    );

    expect(taken.filter((principal) => principal !== undefined)).toEqual([{ sub: 'bob' }]);
  });

  it('an expired ticket is refused; peek leaves a live one in place', async () => {
    const tickets = store();
    const now = Date.now();
    await tickets.put('short', { sub: 'carol' }, now + 60_000);

    expect(await tickets.peek('short', now)).toEqual({ sub: 'carol' });
    expect(await tickets.take('short', now + 61_000)).toBeUndefined();
  });

  it('keeps no ticket in clear text in Redis', async () => {
    const tickets = store();
    await tickets.put('secret-ticket-value', { sub: 'dave' }, Date.now() + 30_000);
    const inspector = new Redis(redis.url);
    try {
      const keys = await inspector.keys(`${keyPrefix}*`);
      expect(keys).toHaveLength(1);
      expect(keys[0]).not.toContain('secret-ticket-value');
    } finally {
      inspector.disconnect();
    }
  });

  it('fails at once, without waiting, with a 503 while Redis is down', async () => {
    const tickets = store();
    await tickets.put('before', { sub: 'erin' }, Date.now() + 30_000);
    await redis.kill();

    const started = Date.now();
    const failure = tickets.take('before', Date.now());
    await expect(failure).rejects.toBeInstanceOf(ServiceUnavailableException);
    await expect(failure).rejects.toThrow(messages.ticketStoreUnavailable());
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

import { PresenceUnavailableError } from '../presence/presence-unavailable.error';
import * as messages from '../realtime.messages';
import { RedisPresenceStore } from './redis-presence.store';

describe('RedisPresenceStore', () => {
  const context = { instanceId: 'a1', entryTtlMs: 30_000, up: () => undefined };

  it('refuses a second start, and rejects reads and writes with PresenceUnavailableError while Redis is unreachable', async () => {
    // Port 1: nothing listens, and ioredis gives up at once. (A short `disconnectTimeout`: its
    // connector otherwise keeps a 2 s timer for a socket that never opened.)
    const store = new RedisPresenceStore({
      url: 'redis://127.0.0.1:1',
      redis: { retryStrategy: () => null, disconnectTimeout: 10 },
    });
    store.start(context);
    try {
      expect(() => store.start(context)).toThrow(messages.presenceStoreStartedTwice());
      const started = Date.now();
      await expect(store.connectionCount('alice')).rejects.toBeInstanceOf(PresenceUnavailableError);
      await expect(store.claimConnection('alice', 3)).rejects.toBeInstanceOf(
        PresenceUnavailableError,
      );
      expect(await store.refresh([{ kind: 'user', userId: 'alice', connections: 1 }])).toEqual([
        false,
      ]);
      // Nothing waits: Redis is not there.
      expect(Date.now() - started).toBeLessThan(1_000);
    } finally {
      await store.stop();
    }
  });
});

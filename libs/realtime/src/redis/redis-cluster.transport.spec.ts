import * as messages from '../realtime.messages';
import { RedisClusterTransport } from './redis-cluster.transport';

describe('RedisClusterTransport', () => {
  it('refuses a second start: one transport serves one module', async () => {
    // Port 1: nothing listens, so nothing connects; ioredis keeps retrying until stop().
    const transport = new RedisClusterTransport({ url: 'redis://127.0.0.1:1' });
    const handlers = { message: () => undefined, up: () => undefined, down: () => undefined };
    transport.start(handlers);
    try {
      expect(() => transport.start(handlers)).toThrow(messages.transportStartedTwice());
      expect(transport.state).toBe('connecting');
    } finally {
      await transport.stop();
    }
  });
});

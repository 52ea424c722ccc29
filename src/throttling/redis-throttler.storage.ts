import type { OnApplicationShutdown } from '@nestjs/common';
import type { ThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';
import type { Redis } from 'ioredis';

/** What a storage answers for a hit (the package does not export the type by name). */
type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/**
 * One hit, atomically: KEYS[1] counts hits in a window of ARGV[1] ms, KEYS[2] marks a block of
 * ARGV[3] ms once the count passes ARGV[2]. While blocked nothing is counted; a block clears the
 * count, so the key starts afresh after it (as the throttler's in-memory storage does). Answers
 * `{hits, window ms left, block ms left}`; every expiry is Redis's, no instance's clock is used.
 */
const HIT_SCRIPT = `
local blocked = redis.call('PTTL', KEYS[2])
if blocked > 0 then
  return {tonumber(redis.call('GET', KEYS[1]) or '0'), redis.call('PTTL', KEYS[1]), blocked}
end
local hits = redis.call('INCR', KEYS[1])
local left = redis.call('PTTL', KEYS[1])
if left < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  left = tonumber(ARGV[1])
end
if hits > tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  redis.call('DEL', KEYS[1])
  return {hits, left, tonumber(ARGV[3])}
end
return {hits, left, 0}
`;

type HitReply = [hits: number, windowLeftMs: number, blockLeftMs: number];

/** The script as ioredis defines it on a client (sent as EVALSHA, its text only when needed). */
interface ThrottleCommand {
  throttleHit(
    countKey: string,
    blockKey: string,
    windowMs: number,
    limit: number,
    blockMs: number,
  ): Promise<HitReply>;
}

/**
 * `@nestjs/throttler`'s storage in Redis, so that a limit holds across every instance rather than
 * per process (N instances would otherwise allow N times the requests). While Redis is down it
 * counts in this process's memory (`fallback`): limits hold per instance, requests are never
 * refused or failed because Redis is.
 */
export class RedisThrottlerStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly command: ThrottleCommand;

  constructor(
    private readonly redis: Redis,
    private readonly fallback: ThrottlerStorageService,
    private readonly keyPrefix: string,
  ) {
    const defined = redis as unknown as Partial<ThrottleCommand>;
    if (typeof defined.throttleHit !== 'function') {
      redis.defineCommand('throttleHit', { numberOfKeys: 2, lua: HIT_SCRIPT });
    }
    this.command = redis as unknown as ThrottleCommand;
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    if (this.redis.status === 'ready') {
      const base = `${this.keyPrefix}${throttlerName}:${key}`;
      try {
        const [hits, windowLeftMs, blockLeftMs] = await this.command.throttleHit(
          `${base}:hits`,
          `${base}:blocked`,
          ttl,
          limit,
          blockDuration > 0 ? blockDuration : ttl,
        );
        return {
          totalHits: hits,
          timeToExpire: Math.ceil(Math.max(0, windowLeftMs) / 1000),
          isBlocked: blockLeftMs > 0,
          timeToBlockExpire: Math.ceil(Math.max(0, blockLeftMs) / 1000),
        };
      } catch {
        // Redis went away mid-command: this hit is counted here instead.
      }
    }
    return this.fallback.increment(key, ttl, limit, blockDuration, throttlerName);
  }

  /** Stops the fallback's sweep timer. Nest calls it: the storage is the throttler's provider. */
  onApplicationShutdown(): void {
    this.fallback.onApplicationShutdown();
  }
}

import { Redis, type RedisOptions } from 'ioredis';
import { ServiceUnavailableException } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { WsTicketStore } from '../auth/ws-ticket.store';
import * as messages from '../realtime.messages';

/** How long a command waits for the store's first connection before it fails. */
const FIRST_CONNECT_WAIT_MS = 5_000;

/** Options of {@link RedisWsTicketStore}. */
export interface RedisWsTicketStoreOptions {
  /** `redis://…`; default: ioredis's own default (127.0.0.1:6379). */
  url?: string;
  /** ioredis options, for what a URL cannot say. */
  redis?: RedisOptions;
  /** Prefix of the keys. Default `'nest-realtime:ticket:'`. */
  keyPrefix?: string;
}

/**
 * One-time handshake tickets in Redis, so that a ticket minted on one instance is accepted once
 * on any instance: `SET … PX` to keep, `GET` to look, `GETDEL` (Redis 6.2+) to take, which is
 * atomic — of several handshakes with one ticket, on any instances, one gets it.
 *
 * Keys are the SHA-256 of the ticket, never the ticket itself (a ticket is a credential; Redis
 * keys show up in `MONITOR`, `SCAN` and slow logs). The principal is stored as JSON, so it must
 * survive `JSON.stringify` (a JWT's claims do). No offline queue: while Redis is down, issuing
 * and redeeming fail at once with a `ServiceUnavailableException` (the handshake is refused with
 * 503, a REST route answers 503) instead of waiting for it.
 */
export class RedisWsTicketStore implements WsTicketStore {
  private readonly client: Redis;
  private readonly keyPrefix: string;
  /** Resolves once the first connection is up (or given up): commands wait for it. */
  private readonly firstReady: Promise<void>;
  /** Whether the first connection came up; after that, nothing waits for a reconnect. */
  private wasReady = false;

  constructor(options: RedisWsTicketStoreOptions = {}) {
    const redisOptions: RedisOptions = { ...options.redis, enableOfflineQueue: false };
    this.client =
      options.url === undefined ? new Redis(redisOptions) : new Redis(options.url, redisOptions);
    // Failures surface on the commands; reconnecting is ioredis's.
    this.client.on('error', () => undefined);
    this.keyPrefix = options.keyPrefix ?? 'nest-realtime:ticket:';
    this.firstReady = new Promise<void>((resolve) => {
      this.client.once('ready', () => {
        this.wasReady = true;
        resolve();
      });
      this.client.once('end', () => resolve());
    });
  }

  async put(ticket: string, principal: object, expiresAt: number): Promise<void> {
    const ttl = Math.max(1, Math.ceil(expiresAt - Date.now()));
    const value = JSON.stringify({ principal, expiresAt });
    await this.command(() => this.client.set(this.key(ticket), value, 'PX', ttl));
  }

  async peek(ticket: string, now: number): Promise<object | undefined> {
    return this.principalOf(await this.command(() => this.client.get(this.key(ticket))), now);
  }

  async take(ticket: string, now: number): Promise<object | undefined> {
    return this.principalOf(await this.command(() => this.client.getdel(this.key(ticket))), now);
  }

  /** Disconnects from Redis (at shutdown). */
  close(): void {
    this.client.disconnect();
  }

  /**
   * Waits for the first connection (a store is created at boot, used moments later); after
   * that, never: a command while Redis is down fails at once.
   */
  /**
   * Runs a command once connected. A failure (Redis down) becomes a 503: the handshake is
   * refused with 503 and a REST route that issues tickets answers 503, both retryable.
   */
  private async command<T>(send: () => Promise<T>): Promise<T> {
    await this.connected();
    try {
      return await send();
    } catch (error) {
      throw new ServiceUnavailableException(messages.ticketStoreUnavailable(), { cause: error });
    }
  }

  private async connected(): Promise<void> {
    if (this.wasReady) return;
    let timer: NodeJS.Timeout | undefined;
    const givenUp = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, FIRST_CONNECT_WAIT_MS);
    });
    await Promise.race([this.firstReady, givenUp]);
    clearTimeout(timer);
  }

  private key(ticket: string): string {
    return this.keyPrefix + createHash('sha256').update(ticket).digest('base64url');
  }

  private principalOf(raw: string | null, now: number): object | undefined {
    if (raw === null) return undefined;
    const { principal, expiresAt } = JSON.parse(raw) as { principal: object; expiresAt: number };
    // Redis expires the key too; this covers clocks that disagree by less than a tick.
    return expiresAt > now ? principal : undefined;
  }
}

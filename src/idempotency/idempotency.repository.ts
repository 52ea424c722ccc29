import { Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { InjectDatabase, isUniqueViolation, type DatabaseSchema } from '../database';

/** A key this request holds: `claimedAt` fences its writes against a later takeover. */
export interface IdempotencyClaimToken {
  userId: string;
  key: string;
  /** When the claim was made (ms since the epoch); the row's `created_at`. */
  claimedAt: number;
}

/** What a claim on a key found. */
export type IdempotencyClaim =
  /** The key is new, or its earlier claim outlived its lease: handle the request, then complete. */
  | { kind: 'new'; token: IdempotencyClaimToken }
  /** Handled before with the same request: this is its response. */
  | { kind: 'replay'; status: number; body: unknown }
  /** The key was used with another request. */
  | { kind: 'mismatch' }
  /** The first request with this key is still being handled; its lease ends at `leaseEndsAt`. */
  | { kind: 'pending'; leaseEndsAt: number };

/** Where a key's completion is written: the database, or a transaction on it. */
export type IdempotencyExecutor = Kysely<DatabaseSchema>;

/**
 * Idempotency keys per user: the first request claims the key, later ones replay its answer.
 *
 * A claim is a lease: a pending key whose request died with its process (the claim committed,
 * the answer never did) is taken over by a retry once `leaseMs` has passed since the claim.
 * Completion and release are fenced by the claim's time, so a request that outlived its lease
 * cannot overwrite or free the key its successor now holds.
 */
@Injectable()
export class IdempotencyRepository {
  constructor(@InjectDatabase() private readonly db: Kysely<DatabaseSchema>) {}

  /** Claims `key` for `userId` at `now`, unless it is held or done. */
  async claim(
    userId: string,
    key: string,
    requestHash: string,
    now: number,
    leaseMs: number,
  ): Promise<IdempotencyClaim> {
    const token = { userId, key, claimedAt: now };
    try {
      await this.db
        .insertInto('idempotency_keys')
        .values({
          user_id: userId,
          key,
          request_hash: requestHash,
          status: null,
          response: null,
          created_at: now,
        })
        .execute();
      return { kind: 'new', token };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
    // A pending claim past its lease is taken over, in one statement so that of several
    // retries exactly one wins it. The request may differ: the first one never took effect.
    const takeover = await this.db
      .updateTable('idempotency_keys')
      .set({ request_hash: requestHash, created_at: now })
      .where('user_id', '=', userId)
      .where('key', '=', key)
      .where('status', 'is', null)
      .where('created_at', '<=', now - leaseMs)
      .executeTakeFirst();
    if (takeover.numUpdatedRows > 0n) return { kind: 'new', token };
    const row = await this.db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('user_id', '=', userId)
      .where('key', '=', key)
      .executeTakeFirst();
    // Purged or released in between: claim afresh.
    if (row === undefined) return this.claim(userId, key, requestHash, now, leaseMs);
    if (row.request_hash !== requestHash) return { kind: 'mismatch' };
    if (row.status === null)
      return { kind: 'pending', leaseEndsAt: Number(row.created_at) + leaseMs };
    return {
      kind: 'replay',
      status: Number(row.status),
      body: row.response === null ? undefined : (JSON.parse(row.response) as unknown),
    };
  }

  /**
   * Stores the answer under a claim, through `executor` (pass the transaction that writes the
   * request's effect, so that both commit or neither does).
   *
   * @returns whether the claim was still this request's; `false` if a retry took it over.
   */
  async complete(
    token: IdempotencyClaimToken,
    status: number,
    body: unknown,
    executor: IdempotencyExecutor = this.db,
  ): Promise<boolean> {
    const result = await executor
      .updateTable('idempotency_keys')
      .set({ status, response: body === undefined ? null : JSON.stringify(body) })
      .where('user_id', '=', token.userId)
      .where('key', '=', token.key)
      .where('created_at', '=', token.claimedAt)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** Frees a key whose request failed, so that a retry is handled afresh. */
  async release(token: IdempotencyClaimToken): Promise<void> {
    await this.db
      .deleteFrom('idempotency_keys')
      .where('user_id', '=', token.userId)
      .where('key', '=', token.key)
      .where('created_at', '=', token.claimedAt)
      .where('status', 'is', null)
      .execute();
  }

  /**
   * Deletes every key claimed before `before` (ms since the epoch): completed ones past
   * retention, and pending ones whose request died and was never retried.
   *
   * @returns how many were deleted.
   */
  async purge(before: number): Promise<number> {
    const result = await this.db
      .deleteFrom('idempotency_keys')
      .where('created_at', '<', before)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

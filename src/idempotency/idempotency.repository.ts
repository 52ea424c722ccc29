import { Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { InjectDatabase, isUniqueViolation, type DatabaseSchema } from '../database';

/** What a claim on a key found. */
export type IdempotencyClaim =
  /** The key is new: handle the request, then {@link IdempotencyRepository.complete}. */
  | { kind: 'new' }
  /** Handled before with the same request: this is its response. */
  | { kind: 'replay'; status: number; body: unknown }
  /** The key was used with another request. */
  | { kind: 'mismatch' }
  /** The first request with this key is still being handled. */
  | { kind: 'pending' };

/** Idempotency keys per user: the first request claims the key, later ones replay its answer. */
@Injectable()
export class IdempotencyRepository {
  constructor(@InjectDatabase() private readonly db: Kysely<DatabaseSchema>) {}

  async claim(userId: string, key: string, requestHash: string): Promise<IdempotencyClaim> {
    try {
      await this.db
        .insertInto('idempotency_keys')
        .values({
          user_id: userId,
          key,
          request_hash: requestHash,
          status: null,
          response: null,
          created_at: Date.now(),
        })
        .execute();
      return { kind: 'new' };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
    const row = await this.db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('user_id', '=', userId)
      .where('key', '=', key)
      .executeTakeFirstOrThrow();
    if (row.request_hash !== requestHash) return { kind: 'mismatch' };
    if (row.status === null) return { kind: 'pending' };
    return {
      kind: 'replay',
      status: Number(row.status),
      body: row.response === null ? undefined : (JSON.parse(row.response) as unknown),
    };
  }

  async complete(userId: string, key: string, status: number, body: unknown): Promise<void> {
    await this.db
      .updateTable('idempotency_keys')
      .set({ status, response: body === undefined ? null : JSON.stringify(body) })
      .where('user_id', '=', userId)
      .where('key', '=', key)
      .execute();
  }

  /** Frees a key whose request failed, so that a retry is handled afresh. */
  async release(userId: string, key: string): Promise<void> {
    await this.db
      .deleteFrom('idempotency_keys')
      .where('user_id', '=', userId)
      .where('key', '=', key)
      .where('status', 'is', null)
      .execute();
  }
}

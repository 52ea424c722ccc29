import { sql, type Kysely, type RawBuilder, type Selectable, type Transaction } from 'kysely';
import * as messages from '../realtime.messages';
import type {
  DeliveryLogAck,
  DeliveryLogEntry,
  DeliveryLogHead,
  DeliveryLogRead,
  DeliveryLogRetention,
  NewDeliveryLogEntry,
} from './delivery-log-entry.interface';
import { AckBeyondLogError, CursorAheadError } from './delivery-log.errors';
import type { DeliveryLogTables } from './delivery-log.schema';
import type { DeliveryLogStore } from './delivery-log.store';
import { newDeliveryLogEpoch } from './delivery-log-epoch';
import { dataJsonOf } from './entry-data-json';
import { inTransaction } from './in-transaction';
import { isPostgres } from './is-postgres';
import { timeOrderedId } from './time-ordered-id';

const EMPTY_HEAD: DeliveryLogHead = { lastSeq: 0, ackedSeq: 0, prunedSeq: 0 };

type Db = Kysely<DeliveryLogTables> | Transaction<DeliveryLogTables>;

/** Options of {@link KyselyDeliveryLogStore}. */
export interface KyselyDeliveryLogStoreOptions {
  /** The clock `createdAt` comes from, ms since the epoch. Default `Date.now`. */
  now?: () => number;
}

/**
 * {@link DeliveryLogStore} on Kysely, for SQLite (`better-sqlite3`) and PostgreSQL (`pg`).
 *
 * A user's next seqs are reserved by one upsert on the user's cursor row, in the same
 * transaction as the entries: PostgreSQL's row lock makes concurrent writers (several instances)
 * take turns per user, SQLite serializes writers anyway, and a rolled-back batch releases its
 * seqs with everything else — so seqs have no gaps and no duplicates.
 */
export class KyselyDeliveryLogStore<
  DB extends DeliveryLogTables = DeliveryLogTables,
> implements DeliveryLogStore {
  private readonly now: () => number;
  private readonly db: Kysely<DeliveryLogTables>;
  private readonly postgres: boolean;

  /** @param db any Kysely whose schema includes {@link DeliveryLogTables}. */
  constructor(db: Kysely<DB>, options: KyselyDeliveryLogStoreOptions = {}) {
    // Kysely's types are invariant in the schema; the store only touches its own tables.
    this.db = db as unknown as Kysely<DeliveryLogTables>;
    this.now = options.now ?? Date.now;
    this.postgres = isPostgres(db as unknown as Kysely<never>);
  }

  async append(entries: readonly NewDeliveryLogEntry[]): Promise<DeliveryLogEntry[]> {
    if (entries.length === 0) return [];
    return inTransaction(this.db, (trx) =>
      this.appendIn(trx as unknown as Transaction<DB>, entries),
    );
  }

  /**
   * Appends inside the caller's transaction, so that other writes (a reminder's claim and its
   * next occurrence) commit or roll back together with the log entries. Push the returned
   * entries live only after that transaction has committed. Entries whose `dedupeKey` the
   * user's log already holds (or that repeat one earlier in `entries`) are left out, without
   * taking a seq; a concurrent transaction writing the same key makes this one fail on the
   * unique index instead of logging it twice.
   */
  async appendIn(
    transaction: Transaction<DB>,
    entries: readonly NewDeliveryLogEntry[],
  ): Promise<DeliveryLogEntry[]> {
    const trx = transaction as unknown as Transaction<DeliveryLogTables>;
    const fresh = await this.notYetLogged(trx, entries);
    if (fresh.length === 0) return [];
    const createdAt = this.now();
    const counts = new Map<string, number>();
    for (const entry of fresh) counts.set(entry.userId, (counts.get(entry.userId) ?? 0) + 1);
    const nextSeq = await this.reserve(trx, counts);
    const written = fresh.map((entry): DeliveryLogEntry => {
      const seq = nextSeq.get(entry.userId)!;
      nextSeq.set(entry.userId, seq + 1);
      return {
        id: entry.id ?? timeOrderedId(createdAt),
        userId: entry.userId,
        seq,
        type: entry.type,
        data: entry.data,
        createdAt,
      };
    });
    await this.insertRows(trx, written, fresh);
    return written;
  }

  /** `entries` without those whose dedupe key is logged already (or repeated among them). */
  private async notYetLogged(
    trx: Db,
    entries: readonly NewDeliveryLogEntry[],
  ): Promise<readonly NewDeliveryLogEntry[]> {
    const keyed = entries.filter((entry) => entry.dedupeKey !== undefined);
    if (keyed.length === 0) return entries;
    const wanted = this.jsonRows(
      ['user_id', 'dedupe_key'],
      ['text', 'text'],
      keyed.map((entry) => [entry.userId, entry.dedupeKey!]),
    );
    const { rows } = await sql<{ user_id: string; dedupe_key: string }>`
      select user_id, dedupe_key from realtime_delivery_log
      where dedupe_key is not null and (user_id, dedupe_key) in (${wanted})`.execute(trx);
    const seen = new Set(rows.map((row) => JSON.stringify([row.user_id, row.dedupe_key])));
    return entries.filter((entry) => {
      if (entry.dedupeKey === undefined) return true;
      const key = JSON.stringify([entry.userId, entry.dedupeKey]);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }

  /**
   * Inserts `written`, made from `sources` (same order); the `dedupe_key` column only when one
   * of them has a key.
   */
  private async insertRows(
    trx: Db,
    written: readonly DeliveryLogEntry[],
    sources: readonly NewDeliveryLogEntry[],
  ): Promise<void> {
    const columns = ['user_id', 'seq', 'id', 'type', 'data', 'created_at'];
    const types: ('text' | 'bigint')[] = ['text', 'bigint', 'text', 'text', 'text', 'bigint'];
    const values = written.map((entry, index): (string | number | null)[] => [
      entry.userId,
      entry.seq,
      entry.id,
      entry.type,
      dataJsonOf(sources[index]),
      entry.createdAt,
    ]);
    if (sources.some((source) => source.dedupeKey !== undefined)) {
      columns.push('dedupe_key');
      types.push('text');
      values.forEach((row, index) => row.push(sources[index].dedupeKey ?? null));
    }
    const rows = this.jsonRows(columns, types, values);
    await sql`insert into realtime_delivery_log (${sql.raw(columns.join(', '))})
      ${rows}`.execute(trx);
  }

  /**
   * `select … where true` over a JSON array of rows, passed as one parameter and unpacked by
   * the database (`json_each` on SQLite, `json_array_elements` on PostgreSQL), in array order.
   * Building, binding and preparing statements of thousands of parameters cost more than the
   * writes themselves. (`where true` lets SQLite parse an upsert after it.)
   */
  private jsonRows(
    columns: readonly string[],
    types: readonly ('text' | 'bigint')[],
    rows: readonly (string | number | null)[][],
  ): RawBuilder<unknown> {
    const json = JSON.stringify(rows);
    const selected = columns.map((column, index) => {
      const value = this.postgres ? `(r->>${index})` : `value->>${index}`;
      const typed = this.postgres && types[index] === 'bigint' ? `${value}::bigint` : value;
      return sql.raw(`${typed} as ${column}`);
    });
    return this.postgres
      ? sql`select ${sql.join(selected)} from json_array_elements(${json}::json) as r where true`
      : sql`select ${sql.join(selected)} from json_each(${json}) where true`;
  }

  /**
   * One ack, as {@link ackMany} applies it.
   *
   * @throws AckBeyondLogError when `seq` is past the user's last entry (nothing is changed).
   */
  async ack(userId: string, seq: number): Promise<DeliveryLogHead> {
    const [result] = await this.ackMany([{ userId, seq }]);
    if (result instanceof AckBeyondLogError) throw result;
    return result;
  }

  async ackMany(acks: readonly DeliveryLogAck[]): Promise<(DeliveryLogHead | AckBeyondLogError)[]> {
    if (acks.length === 0) return [];
    return inTransaction(this.db, async (trx) => {
      const heads = await this.lockHeads(trx, [...new Set(acks.map((ack) => ack.userId))]);
      const raised = new Map<string, number>();
      const results = acks.map((ack) => {
        const head = heads.get(ack.userId) ?? EMPTY_HEAD;
        if (ack.seq > head.lastSeq) return new AckBeyondLogError(ack.seq, head.lastSeq);
        if (ack.seq > (raised.get(ack.userId) ?? head.ackedSeq)) raised.set(ack.userId, ack.seq);
        return head;
      });
      if (raised.size > 0) {
        const raises = this.jsonRows(['user_id', 'seq'], ['text', 'bigint'], [...raised]);
        // Never lowers an ack, even one another instance raised since the read.
        await sql`update realtime_delivery_cursors set acked_seq = v.seq
          from (${raises}) as v
          where realtime_delivery_cursors.user_id = v.user_id
            and realtime_delivery_cursors.acked_seq < v.seq`.execute(trx);
      }
      return results.map((result, index) => {
        if (result instanceof AckBeyondLogError) return result;
        const ackedSeq = raised.get(acks[index].userId) ?? result.ackedSeq;
        return { ...result, ackedSeq };
      });
    });
  }

  async readAfter(userId: string, afterSeq: number, limit: number): Promise<DeliveryLogRead> {
    return inTransaction(this.db, async (trx) => {
      const head = await this.readHead(trx, userId);
      if (afterSeq > head.lastSeq) throw new CursorAheadError(afterSeq, head.lastSeq);
      if (afterSeq < head.prunedSeq) return { kind: 'resync', head };
      const rows = await trx
        .selectFrom('realtime_delivery_log')
        .selectAll()
        .where('user_id', '=', userId)
        .where('seq', '>', afterSeq)
        .orderBy('seq')
        .limit(limit)
        .execute();
      return { kind: 'entries', head, entries: rows.map(toEntry) };
    });
  }

  async takeUndelivered(
    cutoff: number,
    limit: number,
    report: (entries: DeliveryLogEntry[]) => void | Promise<void>,
  ): Promise<number> {
    const rows = await this.db
      .selectFrom('realtime_delivery_log as l')
      .innerJoin('realtime_delivery_cursors as c', 'c.user_id', 'l.user_id')
      .selectAll('l')
      .where('l.escalated_at', 'is', null)
      .where('l.created_at', '<=', cutoff)
      .whereRef('l.seq', '>', 'c.acked_seq')
      .orderBy('l.created_at')
      .orderBy('l.seq')
      .limit(limit)
      .execute();
    if (rows.length === 0) return 0;
    // Reported first, marked after: a hook that throws leaves them for the next call. No
    // transaction is held while the hook runs (on SQLite it would stop every writer).
    await report(rows.map(toEntry));
    await this.db
      .updateTable('realtime_delivery_log')
      .set({ escalated_at: this.now() })
      .where(
        'id',
        'in',
        rows.map((row) => row.id),
      )
      .where('escalated_at', 'is', null)
      .execute();
    return rows.length;
  }

  head(userId: string): Promise<DeliveryLogHead> {
    return this.readHead(this.db, userId);
  }

  /**
   * The `epoch` row of `realtime_delivery_meta`, written on first use: several instances
   * starting at once on a fresh database each try an insert that does nothing when the row is
   * there, and all read the one that won. Removing the row (or {@link renewEpoch}) gives the
   * log a new epoch.
   */
  async epoch(): Promise<string> {
    const found = await this.readEpoch();
    if (found !== undefined) return found;
    await this.db
      .insertInto('realtime_delivery_meta')
      .values({ name: 'epoch', value: newDeliveryLogEpoch() })
      .onConflict((conflict) => conflict.column('name').doNothing())
      .execute();
    // Read again rather than trust the insert: another instance's row may have won.
    const made = await this.readEpoch();
    if (made === undefined) throw new Error(messages.epochNotStored());
    return made;
  }

  /**
   * Gives the log a new epoch, at once for every instance: every client that resumes with the
   * old one gets `resync`. Run it after restoring the database from a backup, whose log may
   * reuse seqs that clients already saw with different entries (see docs/protocol.md).
   *
   * @returns the new epoch.
   */
  async renewEpoch(): Promise<string> {
    const epoch = newDeliveryLogEpoch();
    await this.db
      .insertInto('realtime_delivery_meta')
      .values({ name: 'epoch', value: epoch })
      .onConflict((conflict) => conflict.column('name').doUpdateSet({ value: epoch }))
      .execute();
    return epoch;
  }

  private async readEpoch(): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('realtime_delivery_meta')
      .select('value')
      .where('name', '=', 'epoch')
      .executeTakeFirst();
    return row?.value;
  }

  async lastSeqs(userIds: readonly string[]): Promise<ReadonlyMap<string, number>> {
    const heads = new Map<string, number>();
    // Bounded IN lists: one query per 500 users keeps every statement small.
    for (let start = 0; start < userIds.length; start += 500) {
      const rows = await this.db
        .selectFrom('realtime_delivery_cursors')
        .select(['user_id', 'last_seq'])
        .where('user_id', 'in', userIds.slice(start, start + 500))
        .execute();
      for (const row of rows) heads.set(row.user_id, Number(row.last_seq));
    }
    return heads;
  }

  async prune(retention: DeliveryLogRetention, now: number): Promise<number> {
    return inTransaction(this.db, async (trx) => {
      const { maxAgeMs, maxEntriesPerUser } = retention;
      if (maxEntriesPerUser !== undefined) {
        await trx
          .updateTable('realtime_delivery_cursors')
          .set({ pruned_seq: sql<number>`last_seq - ${maxEntriesPerUser}` })
          .where(sql<boolean>`last_seq - ${maxEntriesPerUser} > pruned_seq`)
          .execute();
      }
      if (maxAgeMs !== undefined) {
        const cutoff = now - maxAgeMs;
        const newestExpired = sql<number>`(select max(l.seq) from realtime_delivery_log l where l.user_id = realtime_delivery_cursors.user_id and l.created_at < ${cutoff})`;
        await trx
          .updateTable('realtime_delivery_cursors')
          .set({ pruned_seq: newestExpired })
          .where(sql<boolean>`${newestExpired} > pruned_seq`)
          .execute();
      }
      const result = await trx
        .deleteFrom('realtime_delivery_log')
        .where(
          sql<boolean>`seq <= (select c.pruned_seq from realtime_delivery_cursors c where c.user_id = realtime_delivery_log.user_id)`,
        )
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    });
  }

  /**
   * Adds each user's count to their last seq (creating cursors as needed), in one statement,
   * and returns each user's first reserved seq. Users go in a fixed order, so two batches for the same users lock their rows in the same order and cannot
   * deadlock each other on PostgreSQL.
   */
  private async reserve(
    trx: Db,
    counts: ReadonlyMap<string, number>,
  ): Promise<Map<string, number>> {
    const users = [...counts.keys()].sort();
    const reserved = this.jsonRows(
      ['user_id', 'last_seq'],
      ['text', 'bigint'],
      users.map((userId) => [userId, counts.get(userId)!]),
    );
    const { rows } = await sql<{ user_id: string; last_seq: number | string }>`
      insert into realtime_delivery_cursors (user_id, last_seq)
      ${reserved}
      on conflict (user_id) do update
        set last_seq = realtime_delivery_cursors.last_seq + excluded.last_seq
      returning user_id, last_seq`.execute(trx);
    const firstSeq = new Map<string, number>();
    for (const row of rows) {
      firstSeq.set(row.user_id, Number(row.last_seq) - counts.get(row.user_id)! + 1);
    }
    return firstSeq;
  }

  /**
   * Reads the users' heads; on PostgreSQL also locks their cursor rows, in user order, so that
   * concurrent batches (this instance's or another's) wait for each other instead of
   * deadlocking.
   */
  private async lockHeads(
    trx: Db,
    users: readonly string[],
  ): Promise<Map<string, DeliveryLogHead>> {
    const sorted = [...users].sort();
    const wanted = this.jsonRows(
      ['user_id'],
      ['text'],
      sorted.map((userId) => [userId]),
    );
    const { rows } = await sql<{
      user_id: string;
      last_seq: number | string;
      acked_seq: number | string;
      pruned_seq: number | string;
    }>`select user_id, last_seq, acked_seq, pruned_seq from realtime_delivery_cursors
      where user_id in (${wanted})
      order by user_id
      ${sql.raw(this.postgres ? 'for update' : '')}`.execute(trx);
    const heads = new Map<string, DeliveryLogHead>();
    for (const row of rows) {
      heads.set(row.user_id, {
        lastSeq: Number(row.last_seq),
        ackedSeq: Number(row.acked_seq),
        prunedSeq: Number(row.pruned_seq),
      });
    }
    return heads;
  }

  private async readHead(db: Db, userId: string): Promise<DeliveryLogHead> {
    const row = await db
      .selectFrom('realtime_delivery_cursors')
      .select(['last_seq', 'acked_seq', 'pruned_seq'])
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (row === undefined) return EMPTY_HEAD;
    return {
      lastSeq: Number(row.last_seq),
      ackedSeq: Number(row.acked_seq),
      prunedSeq: Number(row.pruned_seq),
    };
  }
}

function toEntry(row: Selectable<DeliveryLogTables['realtime_delivery_log']>): DeliveryLogEntry {
  return {
    id: row.id,
    userId: row.user_id,
    seq: Number(row.seq),
    type: row.type,
    data: JSON.parse(row.data) as unknown,
    createdAt: Number(row.created_at),
  };
}

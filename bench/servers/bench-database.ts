import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { createDeliveryLogTables, type DeliveryLogTables } from '@nest-realtime/core/kysely';
import { createReminderTables, type ReminderTables } from '@nest-realtime/core/reminders';
import { BENCH_POSTGRES_URL } from '../lib/bench-postgres';

export type BenchTables = DeliveryLogTables & ReminderTables;

/** A database of its own for one benchmark server, with the library's tables, and its disposal. */
export interface BenchDatabase {
  readonly db: Kysely<BenchTables>;
  dispose(): Promise<void>;
}

/**
 * SQLite as the reference backend opens it (a file in WAL mode), in a fresh temporary directory;
 * or PostgreSQL in a fresh schema, with the backend's pool size.
 */
export async function openBenchDatabase(dialect: 'sqlite' | 'postgres'): Promise<BenchDatabase> {
  if (dialect === 'sqlite') {
    const directory = mkdtempSync(join(tmpdir(), 'rt-bench-'));
    const sqlite = new BetterSqlite3(join(directory, 'bench.sqlite'));
    sqlite.pragma('journal_mode = WAL');
    const db = new Kysely<BenchTables>({ dialect: new SqliteDialect({ database: sqlite }) });
    await createTables(db);
    return {
      db,
      dispose: async () => {
        await db.destroy();
        rmSync(directory, { recursive: true, force: true });
      },
    };
  }
  const schema = `rt_bench_${process.pid}_${Date.now()}`;
  const admin = new Pool({ connectionString: BENCH_POSTGRES_URL, max: 1 });
  await admin.query(`create schema ${schema}`);
  const db = new Kysely<BenchTables>({
    dialect: new PostgresDialect({
      pool: new Pool({
        connectionString: BENCH_POSTGRES_URL,
        max: 10,
        options: `-c search_path=${schema}`,
      }),
    }),
  });
  await createTables(db);
  return {
    db,
    dispose: async () => {
      await db.destroy();
      await admin.query(`drop schema if exists ${schema} cascade`);
      await admin.end();
    },
  };
}

async function createTables(db: Kysely<BenchTables>): Promise<void> {
  const untyped = db as unknown as Kysely<unknown>;
  await createDeliveryLogTables(untyped);
  await createReminderTables(untyped);
}

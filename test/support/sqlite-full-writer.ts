// Child process of test/faults/sqlite-full.e2e-spec.ts, run inside a private mount namespace with
// a small tmpfs at argv[2]: fills a delivery log on it until the disk is full, frees space, and
// writes again. Prints one JSON line with what it saw.
import {
  createDeliveryLogTables,
  KyselyDeliveryLogStore,
  type DeliveryLogTables,
} from '@nest-realtime/core/kysely';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

async function main(dir: string): Promise<void> {
  const database = new BetterSqlite3(join(dir, 'log.sqlite'));
  database.pragma('journal_mode = WAL');
  const db = new Kysely<DeliveryLogTables>({ dialect: new SqliteDialect({ database }) });
  await createDeliveryLogTables(db as Kysely<unknown>);
  const store = new KyselyDeliveryLogStore(db);
  // Space to give back once the disk is full.
  const ballast = join(dir, 'ballast');
  writeFileSync(ballast, Buffer.alloc(128 * 1024));
  const batch = () =>
    Array.from({ length: 20 }, (_, n) => ({ userId: 'a', type: 't', data: 'x'.repeat(400) + n }));
  let written = 0;
  let failure: { code: unknown; message: string } | undefined;
  while (failure === undefined && written < 100_000) {
    try {
      written += (await store.append(batch())).length;
    } catch (error) {
      const { code, message } = error as { code?: unknown; message: string };
      failure = { code, message };
    }
  }
  rmSync(ballast);
  const after = (await store.append(batch())).length;
  const head = await store.head('a');
  await db.destroy();
  process.stdout.write(`${JSON.stringify({ written, failure, after, head })}\n`);
}

main(process.argv[2]).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});

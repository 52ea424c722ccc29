import BetterSqlite3 from 'better-sqlite3';
import { Kysely, sql } from 'kysely';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ScopedEnvironment } from '../../test/support/scoped-environment';
import { createDatabaseDialect } from './database-dialect.factory';
import * as messages from './database.messages';
import { lockSqliteFile, SqliteFileInUseError } from './sqlite-file.lock';

describe('lockSqliteFile', () => {
  let env: ScopedEnvironment;
  const open: BetterSqlite3.Database[] = [];

  beforeEach(() => {
    env = new ScopedEnvironment('sqlite-lock');
  });

  afterEach(() => {
    for (const database of open.splice(0)) database.close();
    env.restore();
  });

  function connect(file: string): BetterSqlite3.Database {
    const database = new BetterSqlite3(file);
    open.push(database);
    return database;
  }

  it('holds the file: a second connection is refused at once, naming the file and PostgreSQL', () => {
    const file = join(env.dir, 'db.sqlite');
    lockSqliteFile(connect(file), file);
    const second = connect(file);

    const started = performance.now();
    expect(() => lockSqliteFile(second, file)).toThrow(SqliteFileInUseError);
    expect(performance.now() - started).toBeLessThan(500);
    expect(() => lockSqliteFile(connect(file), file)).toThrow(messages.sqliteFileInUse(file));
    expect(messages.sqliteFileInUse(file)).toContain('DATABASE_URL');
    expect(second.open).toBe(false);
  });

  it('uses WAL without a shared-memory file, and frees the file when closed', () => {
    const file = join(env.dir, 'db.sqlite');
    const first = connect(file);
    lockSqliteFile(first, file);
    expect(first.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(first.pragma('locking_mode', { simple: true })).toBe('exclusive');
    first.exec('create table t (x); insert into t values (1)');
    expect(existsSync(`${file}-wal`)).toBe(true);
    expect(existsSync(`${file}-shm`)).toBe(false);
    first.close();

    const next = connect(file);
    lockSqliteFile(next, file);
    expect(next.prepare('select x from t').all()).toEqual([{ x: 1 }]);
  });

  it('leaves :memory: databases alone: each is its own', async () => {
    const settings = { databaseFile: ':memory:' } as Parameters<typeof createDatabaseDialect>[0];
    const databases = [0, 1].map(() => new Kysely({ dialect: createDatabaseDialect(settings) }));
    try {
      for (const db of databases) {
        expect((await sql<{ one: number }>`select 1 as one`.execute(db)).rows).toEqual([
          { one: 1 },
        ]);
      }
    } finally {
      await Promise.all(databases.map((db) => db.destroy()));
    }
  });
});

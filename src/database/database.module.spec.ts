import { Test, type TestingModule } from '@nestjs/testing';
import { sql, type Kysely } from 'kysely';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ScopedEnvironment } from '../../test/support/scoped-environment';
import { AppConfigModule } from '../config/app-config.module';
import { DATABASE } from './database.constants';
import { DatabaseModule } from './database.module';
import type { DatabaseSchema } from './database.schema';
import { MIGRATIONS } from './migrations';

describe('DatabaseModule', () => {
  let env: ScopedEnvironment;
  const open: TestingModule[] = [];

  beforeEach(() => {
    env = new ScopedEnvironment('database', (dir) => ({
      JWT_SECRET: 'database-spec-secret',
      DATA_DIR: dir,
      DATABASE_FILE: join(dir, 'not', 'yet', 'there.sqlite'),
    }));
  });

  afterEach(async () => {
    await Promise.all(open.splice(0).map((moduleRef) => moduleRef.close()));
    env.restore();
  });

  async function boot(): Promise<{ moduleRef: TestingModule; db: Kysely<DatabaseSchema> }> {
    const moduleRef = await Test.createTestingModule({
      imports: [AppConfigModule, DatabaseModule],
    }).compile();
    await moduleRef.init();
    return { moduleRef, db: moduleRef.get<Kysely<DatabaseSchema>>(DATABASE) };
  }

  it('creates the directory, enables WAL and foreign keys, and migrates', async () => {
    const { moduleRef, db } = await boot();
    open.push(moduleRef);
    expect(existsSync(process.env.DATABASE_FILE!)).toBe(true);
    const journal = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(db);
    expect(journal.rows[0].journal_mode).toBe('wal');
    const foreignKeys = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db);
    expect(foreignKeys.rows[0].foreign_keys).toBe(1);
    const applied = await sql<{
      name: string;
    }>`select name from kysely_migration order by name`.execute(db);
    expect(applied.rows.map((row) => row.name)).toEqual(Object.keys(MIGRATIONS));
  });

  it('enforces the users schema: unique usernames and known roles only', async () => {
    const { moduleRef, db } = await boot();
    open.push(moduleRef);
    const user = {
      id: 'a',
      username: 'ada',
      password_hash: 'h',
      role: 'user' as const,
      created_at: 'now',
    };
    await db.insertInto('users').values(user).execute();
    await expect(
      db
        .insertInto('users')
        .values({ ...user, id: 'b' })
        .execute(),
    ).rejects.toMatchObject({
      code: 'SQLITE_CONSTRAINT_UNIQUE',
    });
    await expect(
      sql`insert into users (id, username, password_hash, role, created_at)
        values ('c', 'cy', 'h', 'root', 'now')`.execute(db),
    ).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_CHECK' });
  });

  it('keeps data across boots and migrates only once', async () => {
    const first = await boot();
    await first.db
      .insertInto('users')
      .values({ id: 'a', username: 'ada', password_hash: 'h', role: 'admin', created_at: 'now' })
      .execute();
    await first.moduleRef.close();

    const second = await boot();
    open.push(second.moduleRef);
    const users = await second.db.selectFrom('users').select('username').execute();
    expect(users).toEqual([{ username: 'ada' }]);
  });

  it('closes the connection at shutdown', async () => {
    const { moduleRef, db } = await boot();
    await moduleRef.close();
    await expect(sql`select 1`.execute(db)).rejects.toThrow();
  });
});

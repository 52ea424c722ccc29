import { Injectable } from '@nestjs/common';
import type { Kysely, Selectable } from 'kysely';
import { isUniqueViolation } from '../database/database.errors';
import type { DatabaseSchema, UsersTable } from '../database/database.schema';
import { InjectDatabase } from '../database/inject-database.decorator';
import type { User, UserWithCredentials } from './user.interface';
import { UsernameTakenError } from './username-taken.error';

/** Reads and writes the `users` table. */
@Injectable()
export class UsersRepository {
  constructor(@InjectDatabase() private readonly db: Kysely<DatabaseSchema>) {}

  /**
   * Runs `work` in one transaction, with a repository bound to it. The transaction is committed
   * when `work` resolves and rolled back when it throws.
   */
  inTransaction<T>(work: (users: UsersRepository) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) => work(new UsersRepository(trx)));
  }

  /**
   * Inserts a user.
   *
   * @throws UsernameTakenError when the username exists.
   */
  async create(user: UserWithCredentials): Promise<User> {
    try {
      await this.db
        .insertInto('users')
        .values({
          id: user.id,
          username: user.username,
          password_hash: user.passwordHash,
          role: user.role,
          created_at: user.createdAt,
        })
        .execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw new UsernameTakenError(user.username);
      throw error;
    }
    return { id: user.id, username: user.username, role: user.role, createdAt: user.createdAt };
  }

  /** The user with this exact username, with its password hash; `undefined` if none. */
  async findByUsername(username: string): Promise<UserWithCredentials | undefined> {
    const row = await this.db
      .selectFrom('users')
      .selectAll()
      .where('username', '=', username)
      .executeTakeFirst();
    return row === undefined ? undefined : { ...toUser(row), passwordHash: row.password_hash };
  }

  /** The user with this id; `undefined` if none. */
  async findById(id: string): Promise<User | undefined> {
    const row = await this.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row === undefined ? undefined : toUser(row);
  }

  /** How many users exist. */
  async count(): Promise<number> {
    const { count } = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number | string | bigint>().as('count'))
      .executeTakeFirstOrThrow();
    // SQLite answers a number; PostgreSQL's count() is a bigint and arrives as a string.
    return Number(count);
  }
}

function toUser(row: Selectable<UsersTable>): User {
  return { id: row.id, username: row.username, role: row.role, createdAt: row.created_at };
}

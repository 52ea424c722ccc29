import { Injectable } from '@nestjs/common';
import { sql, type Kysely, type Selectable } from 'kysely';
import { isUniqueViolation } from '../database/database.errors';
import type { DatabaseSchema, UsersTable } from '../database/database.schema';
import { InjectDatabase } from '../database/inject-database.decorator';
import type { NewUser, User, UserWithCredentials } from './user.interface';
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
  async create(user: NewUser): Promise<User> {
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
    return {
      id: user.id,
      username: user.username,
      role: user.role,
      createdAt: user.createdAt,
      tokenGeneration: 0,
    };
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

  /** The user's token generation; `undefined` for a user that does not exist (any more). */
  async tokenGeneration(id: string): Promise<number | undefined> {
    const row = await this.db
      .selectFrom('users')
      .select('token_generation')
      .where('id', '=', id)
      .executeTakeFirst();
    return row === undefined ? undefined : Number(row.token_generation);
  }

  /** Replaces the user's password hash (a re-hash at a new cost). */
  async updatePasswordHash(id: string, passwordHash: string): Promise<void> {
    await this.db
      .updateTable('users')
      .set({ password_hash: passwordHash })
      .where('id', '=', id)
      .execute();
  }

  /** Moves the user on to a new token generation, in one statement (concurrent calls add up). */
  async advanceTokenGeneration(id: string): Promise<void> {
    await this.db
      .updateTable('users')
      .set({ token_generation: sql<number>`token_generation + 1` })
      .where('id', '=', id)
      .execute();
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
  return {
    id: row.id,
    username: row.username,
    role: row.role,
    createdAt: row.created_at,
    // PostgreSQL's integer arrives as a number; Number() keeps SQLite and PostgreSQL alike.
    tokenGeneration: Number(row.token_generation),
  };
}

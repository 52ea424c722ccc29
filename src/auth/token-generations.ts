import { Injectable } from '@nestjs/common';
import { sql, type Kysely } from 'kysely';
import type { DatabaseSchema } from '../database/database.schema';
import { InjectDatabase } from '../database/inject-database.decorator';

/**
 * Each user's token generation, in the database that every instance shares: a token or ticket
 * of an earlier generation is refused everywhere as soon as {@link advance} commits.
 */
@Injectable()
export class TokenGenerations {
  constructor(@InjectDatabase() private readonly db: Kysely<DatabaseSchema>) {}

  /** The current generation; `undefined` for a user that does not exist (any more). */
  async current(userId: string): Promise<number | undefined> {
    const row = await this.db
      .selectFrom('users')
      .select('token_generation')
      .where('id', '=', userId)
      .executeTakeFirst();
    return row === undefined ? undefined : Number(row.token_generation);
  }

  /** Moves the user on to a new generation: every token and ticket issued before is void. */
  async advance(userId: string): Promise<void> {
    await this.db
      .updateTable('users')
      .set({ token_generation: sql<number>`token_generation + 1` })
      .where('id', '=', userId)
      .execute();
  }
}

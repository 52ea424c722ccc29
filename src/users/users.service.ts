import { ConflictException, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AppConfigService } from '../config/app-config.service';
import { PasswordHasher } from './password.hasher';
import type { User, UserRole } from './user.interface';
import { UsernameTakenError } from './username-taken.error';
import { UsersRepository } from './users.repository';
import * as messages from './users.messages';

/** Registers users, checks their credentials and looks them up. */
@Injectable()
export class UsersService {
  private readonly adminUsernames: ReadonlySet<string>;
  private readonly logger = new Logger('Users');

  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    config: AppConfigService,
  ) {
    this.adminUsernames = new Set(config.adminUsernames);
  }

  /**
   * Creates a user. It is `admin` when it is the first user or its name is in ADMIN_USERNAMES,
   * `user` otherwise. Username and password rules are the caller's (the DTO's) to enforce.
   *
   * @throws ConflictException when the username is taken, including by a concurrent
   * registration that won the race.
   */
  async register(username: string, password: string): Promise<User> {
    // Cheap early answer for the common case, before paying for a hash; the unique constraint
    // still decides races.
    if ((await this.users.findByUsername(username)) !== undefined) {
      throw new ConflictException(messages.usernameTaken());
    }
    const passwordHash = await this.hasher.hash(password);
    try {
      // Counting and inserting in one transaction: two first registrations cannot both be admin.
      return await this.users.inTransaction(async (users) =>
        users.create({
          id: randomUUID(),
          username,
          passwordHash,
          role: this.roleFor(username, await users.count()),
          createdAt: new Date().toISOString(),
        }),
      );
    } catch (error) {
      if (error instanceof UsernameTakenError) {
        throw new ConflictException(messages.usernameTaken());
      }
      throw error;
    }
  }

  /**
   * The user whose username and password these are; `undefined` for an unknown user or a wrong
   * password alike, after the same amount of hashing work in both cases.
   */
  async verifyCredentials(username: string, password: string): Promise<User | undefined> {
    const user = await this.users.findByUsername(username);
    if (user === undefined) {
      await this.hasher.verifyAgainstDummy(password);
      return undefined;
    }
    if (!(await this.hasher.verify(password, user.passwordHash))) return undefined;
    if (this.hasher.needsRehash(user.passwordHash)) await this.rehash(user.id, password);
    return {
      id: user.id,
      username: user.username,
      role: user.role,
      createdAt: user.createdAt,
      tokenGeneration: user.tokenGeneration,
    };
  }

  /**
   * The user's current token generation (a token of another is refused); `undefined` for a
   * user that does not exist (any more).
   */
  tokenGeneration(id: string): Promise<number | undefined> {
    return this.users.tokenGeneration(id);
  }

  /** Voids every access token and ticket issued to the user so far (signing out everywhere). */
  signOutEverywhere(id: string): Promise<void> {
    return this.users.advanceTokenGeneration(id);
  }

  /** The user with this id; `undefined` if none. */
  findById(id: string): Promise<User | undefined> {
    return this.users.findById(id);
  }

  /**
   * Stores a hash of `password` at the current cost, now that the password is known to be
   * right. Best effort: the login succeeds anyway, and the next one tries again.
   */
  private async rehash(id: string, password: string): Promise<void> {
    try {
      await this.users.updatePasswordHash(id, await this.hasher.hash(password));
    } catch (error) {
      this.logger.warn(messages.rehashFailed(), error instanceof Error ? error.stack : error);
    }
  }

  private roleFor(username: string, existingUsers: number): UserRole {
    return existingUsers === 0 || this.adminUsernames.has(username) ? 'admin' : 'user';
  }
}

import { usernameTaken } from './users.messages';

/**
 * Thrown by {@link UsersRepository.create} when the username exists, whether a check saw it or
 * the unique constraint caught a concurrent registration.
 */
export class UsernameTakenError extends Error {
  constructor(readonly username: string) {
    super(usernameTaken());
    this.name = 'UsernameTakenError';
  }
}

import { invalidEnvironment } from './config.messages';

/** Thrown at boot when environment variables are invalid; the message names every bad one. */
export class EnvironmentValidationError extends Error {
  /**
   * @param variables names of the invalid variables, in declaration order.
   * @param problems one line per failed rule, each naming its variable.
   */
  constructor(
    readonly variables: readonly string[],
    readonly problems: readonly string[],
  ) {
    super(invalidEnvironment(variables, problems));
    this.name = 'EnvironmentValidationError';
  }
}

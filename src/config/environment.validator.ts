import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import * as messages from './config.messages';
import { EnvironmentValidationError } from './environment-validation.error';
import { EnvironmentVariables } from './environment.variables';

/**
 * Validates raw environment variables (usually `process.env`) and returns them typed, with
 * defaults applied. Only the variables declared on {@link EnvironmentVariables} are read; an
 * empty value counts as unset, so `PORT=` in a `.env` file means "the default".
 *
 * Usable as `ConfigModule.forRoot({ validate })`.
 *
 * @throws EnvironmentValidationError naming every invalid variable at once.
 */
export function validateEnvironment(raw: Record<string, unknown>): EnvironmentVariables {
  const present = Object.fromEntries(
    Object.entries(raw).filter(([, value]) => value !== undefined && value !== ''),
  );
  const env = plainToInstance(EnvironmentVariables, present, {
    excludeExtraneousValues: true,
    exposeDefaultValues: true,
  });
  const errors = validateSync(env, {
    // One complaint per variable: "abc" is not an integer, not also "less than 0".
    stopAtFirstError: true,
    validationError: { target: false, value: false },
  });
  const variables = errors.map((error) => error.property);
  const problems = errors.flatMap((error) => Object.values(error.constraints ?? {}));
  // Several instances share one database; SQLite is held by one process.
  if (env.REDIS_URL !== undefined && env.DATABASE_URL === undefined) {
    variables.push('REDIS_URL');
    problems.push(messages.redisNeedsPostgres());
  }
  if (variables.length > 0) throw new EnvironmentValidationError(variables, problems);
  return env;
}

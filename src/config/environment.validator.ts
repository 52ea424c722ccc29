import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { accessSync, constants, statSync } from 'node:fs';
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
  const invalid = new Set(variables);
  if (
    env.HEADERS_TIMEOUT_MS !== undefined &&
    !invalid.has('HEADERS_TIMEOUT_MS') &&
    !invalid.has('KEEP_ALIVE_TIMEOUT_MS') &&
    env.HEADERS_TIMEOUT_MS <= env.KEEP_ALIVE_TIMEOUT_MS
  ) {
    variables.push('HEADERS_TIMEOUT_MS');
    problems.push(messages.headersTimeoutNotAboveKeepAlive());
  }
  for (const problem of tlsProblems(env, invalid)) {
    variables.push(problem.variable);
    problems.push(problem.message);
  }
  if (variables.length > 0) throw new EnvironmentValidationError(variables, problems);
  return env;
}

/** Whether `file` is a regular file this process may read. */
function isReadableFile(file: string): boolean {
  try {
    accessSync(file, constants.R_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * TLS_CERT_FILE and TLS_KEY_FILE: both or neither, and readable now, so that a missing or
 * unreadable file fails the boot naming its variable rather than as an ENOENT from `https`.
 */
function tlsProblems(
  env: EnvironmentVariables,
  invalid: ReadonlySet<string>,
): { variable: string; message: string }[] {
  const files = (['TLS_CERT_FILE', 'TLS_KEY_FILE'] as const).flatMap((variable) => {
    const file = env[variable];
    return file === undefined ? [] : [{ variable, file }];
  });
  if (files.length === 1)
    return [{ variable: files[0].variable, message: messages.tlsNeedsBoth() }];
  return files
    .filter(({ variable, file }) => !invalid.has(variable) && !isReadableFile(file))
    .map(({ variable, file }) => ({
      variable,
      message: messages.tlsFileUnreadable(variable, file),
    }));
}

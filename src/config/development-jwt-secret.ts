import type { LoggerService } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as messages from './config.messages';

/** Name of the file, inside DATA_DIR, that keeps the generated development secret. */
export const DEVELOPMENT_JWT_SECRET_FILE = 'jwt-secret';

/**
 * Returns the development JWT secret kept in `<dataDir>/jwt-secret`, generating it (48 random
 * bytes, base64url) on the first boot. Persisting it keeps tokens valid across restarts, which a
 * per-boot random secret would not. The file is created with mode 0600 because it is a
 * credential; the secret itself is never logged.
 *
 * @throws Error when the file exists but is empty.
 */
export function loadOrCreateDevelopmentJwtSecret(dataDir: string, logger: LoggerService): string {
  const file = join(dataDir, DEVELOPMENT_JWT_SECRET_FILE);
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  let generated = true;
  try {
    // `wx`: never overwrite. If another process created the file first, use its secret.
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    // The mode passed above is filtered by the umask; make sure it ends up exactly 0600.
    chmodSync(file, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    generated = false;
  }
  const stored = generated ? secret : readFileSync(file, 'utf8').trim();
  if (stored === '') throw new Error(messages.jwtSecretFileEmpty(file));
  logger.warn(messages.usingDevelopmentJwtSecret(file, generated));
  return stored;
}

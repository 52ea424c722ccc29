import type { NestApplicationOptions } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import type { EnvironmentVariables } from '../config';

/** What `NestFactory.create()` takes as `httpsOptions`. */
export type HttpsOptions = NonNullable<NestApplicationOptions['httpsOptions']>;

/**
 * The certificate and key named by TLS_CERT_FILE and TLS_KEY_FILE, read for `httpsOptions`, or
 * `undefined` to serve plain HTTP. The server then speaks HTTPS, and the WebSocket `wss://`, on
 * the same port. Read once at boot: replacing the files takes a restart.
 */
export function createHttpsOptions(
  env: Pick<EnvironmentVariables, 'TLS_CERT_FILE' | 'TLS_KEY_FILE'>,
): HttpsOptions | undefined {
  // Validation refused one file without the other, and files it could not read.
  if (env.TLS_CERT_FILE === undefined || env.TLS_KEY_FILE === undefined) return undefined;
  return { cert: readFileSync(env.TLS_CERT_FILE), key: readFileSync(env.TLS_KEY_FILE) };
}

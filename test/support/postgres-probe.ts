import { spawnSync } from 'node:child_process';

/**
 * Whether a PostgreSQL answers at `url`, checked synchronously (in a child, within 10 s) so
 * that a suite or a benchmark can decide at load time whether to run its PostgreSQL part.
 */
export function postgresAnswers(url: string): boolean {
  const script =
    "const { Client } = require('pg');" +
    'const c = new Client({ connectionString: process.argv[1], connectionTimeoutMillis: 3000 });' +
    'c.connect().then(() => c.end()).then(() => process.exit(0), () => process.exit(1));';
  return spawnSync(process.execPath, ['-e', script, url], { timeout: 10_000 }).status === 0;
}

/** `url` without its credentials, for messages. */
export function withoutCredentials(url: string): string {
  return url.replace(/\/\/[^@]*@/, '//');
}

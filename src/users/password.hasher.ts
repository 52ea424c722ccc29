import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { RetryLaterException } from '../common/retry-later.exception';
import type { PasswordHashingSettings } from '../config/app-config.interface';
import { HashingQueue } from './hashing.queue';
import { PASSWORD_HASHING_SETTINGS } from './users.constants';
import * as messages from './users.messages';

/** scrypt cost parameters, stored with each hash so they can be raised without a migration. */
interface ScryptParameters {
  N: number;
  r: number;
  p: number;
}

/**
 * r and p of new hashes; N comes from PASSWORD_HASH_COST (OWASP's minimum: N = 2^17, r = 8,
 * p = 1, i.e. 128 MiB and a few hundred ms per hash).
 */
const BLOCK_SIZE = 8;
const PARALLELISM = 1;
const SALT_BYTES = 16;
const KEY_BYTES = 32;
const ALGORITHM = 'scrypt';

/**
 * Upper bounds on parameters read back from storage: a corrupted or hostile row must not make
 * one verification allocate gigabytes.
 */
const LIMITS = { N: 2 ** 20, r: 32, p: 16, keyBytes: 128 } as const;

/** Seconds a client refused because hashing is saturated is told to wait. */
const BUSY_RETRY_AFTER_SECONDS = 1;

/**
 * Hashes and verifies passwords with scrypt. Hashes are stored as
 * `scrypt$N$r$p$<salt base64>$<hash base64>`. Every derivation, hashing or verifying, goes
 * through one bounded {@link HashingQueue}.
 */
@Injectable()
export class PasswordHasher {
  private readonly current: ScryptParameters;
  private readonly queue: HashingQueue;
  /**
   * Stands in for the hash of an unknown user: a random salt and a random key, in the current
   * format. Verifying against it derives a key exactly as a real verification does, yet no
   * password can match it, and it costs nothing to make.
   */
  private readonly dummyHash: string;

  constructor(@Inject(PASSWORD_HASHING_SETTINGS) settings: PasswordHashingSettings) {
    this.current = { N: 2 ** settings.cost, r: BLOCK_SIZE, p: PARALLELISM };
    this.queue = new HashingQueue(settings.maxConcurrent, settings.maxQueued);
    this.dummyHash = format(this.current, randomBytes(SALT_BYTES), randomBytes(KEY_BYTES));
  }

  /**
   * Hashes `password` with a fresh random salt and the current cost.
   *
   * @throws RetryLaterException (503) when hashing is saturated.
   */
  async hash(password: string): Promise<string> {
    const salt = randomBytes(SALT_BYTES);
    const key = await this.derive(password, salt, KEY_BYTES, this.current);
    return format(this.current, salt, key);
  }

  /**
   * Whether `password` matches `stored`, compared in constant time. A hash that cannot be
   * parsed never matches.
   *
   * @throws RetryLaterException (503) when hashing is saturated.
   */
  async verify(password: string, stored: string): Promise<boolean> {
    const parsed = parse(stored);
    if (parsed === undefined) return false;
    const key = await this.derive(password, parsed.salt, parsed.key.length, parsed.parameters);
    return timingSafeEqual(key, parsed.key);
  }

  /** Whether `stored` was made with other parameters than new hashes get (re-hash it). */
  needsRehash(stored: string): boolean {
    const parsed = parse(stored);
    if (parsed === undefined) return false;
    const { N, r, p } = parsed.parameters;
    return N !== this.current.N || r !== this.current.r || p !== this.current.p;
  }

  /**
   * Spends the same work as {@link verify} against a hash nobody's password matches, so that a
   * login for an unknown user takes as long as one with a wrong password.
   */
  async verifyAgainstDummy(password: string): Promise<void> {
    await this.verify(password, this.dummyHash);
  }

  private async derive(
    password: string,
    salt: Buffer,
    keyBytes: number,
    parameters: ScryptParameters,
  ): Promise<Buffer> {
    const done = await this.queue.run(() => derive(password, salt, keyBytes, parameters));
    if (done === undefined) {
      throw new RetryLaterException(
        HttpStatus.SERVICE_UNAVAILABLE,
        BUSY_RETRY_AFTER_SECONDS,
        messages.hashingBusy(),
      );
    }
    return done.value;
  }
}

function format({ N, r, p }: ScryptParameters, salt: Buffer, key: Buffer): string {
  return [ALGORITHM, N, r, p, salt.toString('base64'), key.toString('base64')].join('$');
}

function derive(
  password: string,
  salt: Buffer,
  keyBytes: number,
  { N, r, p }: ScryptParameters,
): Promise<Buffer> {
  // scrypt needs 128·N·r bytes (128 MiB for N = 2^17, r = 8); Node refuses anything over
  // `maxmem`, 32 MiB by default.
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r };
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keyBytes, options, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

function parse(
  stored: string,
): { parameters: ScryptParameters; salt: Buffer; key: Buffer } | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== ALGORITHM) return undefined;
  const [N, r, p] = parts.slice(1, 4).map((part) => (/^\d+$/.test(part) ? Number(part) : NaN));
  const salt = Buffer.from(parts[4], 'base64');
  const key = Buffer.from(parts[5], 'base64');
  const valid =
    N > 1 &&
    N <= LIMITS.N &&
    (N & (N - 1)) === 0 &&
    r >= 1 &&
    r <= LIMITS.r &&
    p >= 1 &&
    p <= LIMITS.p &&
    salt.length > 0 &&
    key.length > 0 &&
    key.length <= LIMITS.keyBytes;
  return valid ? { parameters: { N, r, p }, salt, key } : undefined;
}

import { Injectable } from '@nestjs/common';
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt cost parameters, stored with each hash so they can be raised without a migration. */
interface ScryptParameters {
  N: number;
  r: number;
  p: number;
}

/**
 * Cost for new hashes: N = 2^15, r = 8, p = 1 uses 32 MiB and about 80 ms per hash, the
 * "interactive login" range.
 */
const CURRENT: ScryptParameters = { N: 2 ** 15, r: 8, p: 1 };
const SALT_BYTES = 16;
const KEY_BYTES = 32;
const ALGORITHM = 'scrypt';

/**
 * Upper bounds on parameters read back from storage: a corrupted or hostile row must not make
 * one verification allocate gigabytes.
 */
const LIMITS = { N: 2 ** 20, r: 32, p: 16, keyBytes: 128 } as const;

/**
 * Hashes and verifies passwords with scrypt. Hashes are stored as
 * `scrypt$N$r$p$<salt base64>$<hash base64>`.
 */
@Injectable()
export class PasswordHasher {
  /**
   * Stands in for the hash of an unknown user: a random salt and a random key, in the current
   * format. Verifying against it derives a key exactly as a real verification does, yet no
   * password can match it, and it costs nothing to make.
   */
  private readonly dummyHash = format(CURRENT, randomBytes(SALT_BYTES), randomBytes(KEY_BYTES));

  /** Hashes `password` with a fresh random salt and the current cost. */
  async hash(password: string): Promise<string> {
    const salt = randomBytes(SALT_BYTES);
    return format(CURRENT, salt, await derive(password, salt, KEY_BYTES, CURRENT));
  }

  /**
   * Whether `password` matches `stored`, compared in constant time. A hash that cannot be
   * parsed never matches.
   */
  async verify(password: string, stored: string): Promise<boolean> {
    const parsed = parse(stored);
    if (parsed === undefined) return false;
    const key = await derive(password, parsed.salt, parsed.key.length, parsed.parameters);
    return timingSafeEqual(key, parsed.key);
  }

  /**
   * Spends the same work as {@link verify} against a hash nobody's password matches, so that a
   * login for an unknown user takes as long as one with a wrong password.
   */
  async verifyAgainstDummy(password: string): Promise<void> {
    await this.verify(password, this.dummyHash);
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
  // scrypt needs 128·N·r bytes; Node refuses anything over `maxmem` (32 MiB by default), which
  // N = 2^15 with r = 8 would just reach.
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

import { RetryLaterException } from '../common/retry-later.exception';
import { PasswordHasher } from './password.hasher';

describe('PasswordHasher', () => {
  // The lowest cost the configuration accepts, to stay fast; the cost travels with each hash.
  const hasher = new PasswordHasher({ cost: 10, maxConcurrent: 4, maxQueued: 16 });

  it('stores scrypt$N$r$p$salt$hash with a random salt', async () => {
    const first = await hasher.hash('correct horse');
    const second = await hasher.hash('correct horse');
    expect(first).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9+/]+=*\$[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(first.split('$')[4], 'base64')).toHaveLength(16);
    expect(second).not.toBe(first);
  });

  it('verifies the right password only', async () => {
    const stored = await hasher.hash('correct horse');
    await expect(hasher.verify('correct horse', stored)).resolves.toBe(true);
    await expect(hasher.verify('correct horsE', stored)).resolves.toBe(false);
    await expect(hasher.verify('', stored)).resolves.toBe(false);
  });

  it('verifies hashes made with other cost parameters', async () => {
    // What a hash from before a cost increase looks like: parameters travel with the hash.
    const stored = await hasher.hash('pw');
    const [, , , , salt] = stored.split('$');
    const { scryptSync } = await import('node:crypto');
    const key = scryptSync('old password', Buffer.from(salt, 'base64'), 64, {
      N: 1024,
      r: 4,
      p: 2,
    });
    const old = `scrypt$1024$4$2$${salt}$${key.toString('base64')}`;
    await expect(hasher.verify('old password', old)).resolves.toBe(true);
    await expect(hasher.verify('other', old)).resolves.toBe(false);
  });

  it('refuses malformed or absurd stored hashes instead of throwing', async () => {
    for (const stored of [
      '',
      'bcrypt$1$1$1$c2FsdA==$aGFzaA==',
      'scrypt$1000$8$1$c2FsdA==$aGFzaA==', // N not a power of two
      'scrypt$1073741824$8$1$c2FsdA==$aGFzaA==', // N far too large
      'scrypt$1024$8$1$$aGFzaA==',
      'scrypt$1024$8$1$c2FsdA==',
    ]) {
      await expect(hasher.verify('pw', stored)).resolves.toBe(false);
    }
  });

  it('does the work of a verification against the dummy hash', async () => {
    await expect(hasher.verifyAgainstDummy('anything')).resolves.toBeUndefined();
  });

  it('asks for a re-hash of hashes made at another cost only', async () => {
    const stronger = new PasswordHasher({ cost: 11, maxConcurrent: 1, maxQueued: 0 });
    const old = await hasher.hash('pw');
    expect(hasher.needsRehash(old)).toBe(false);
    expect(stronger.needsRehash(old)).toBe(true);
    expect(stronger.needsRehash(await stronger.hash('pw'))).toBe(false);
    expect(stronger.needsRehash('not a hash')).toBe(false);
  });

  it('refuses at once, with 503 and Retry-After, what exceeds the running and queued bound', async () => {
    const busy = new PasswordHasher({ cost: 14, maxConcurrent: 1, maxQueued: 1 });
    const outcomes = await Promise.allSettled([busy.hash('a'), busy.hash('b'), busy.hash('c')]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
    ]);
    const refusal = (outcomes[2] as PromiseRejectedResult).reason as RetryLaterException;
    expect(refusal).toBeInstanceOf(RetryLaterException);
    expect(refusal.getStatus()).toBe(503);
    expect(refusal.retryAfterSeconds).toBe(1);
    // Slots are handed back: the hasher works again afterwards.
    await expect(busy.hash('d')).resolves.toMatch(/^scrypt\$16384\$/);
  });
});

import { ValidateBy, type ValidationOptions } from 'class-validator';
import { isIP } from 'node:net';

/** The names Express's `trust proxy` (proxy-addr) accepts for whole address ranges. */
const RANGE_NAMES: ReadonlySet<string> = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** Whether `prefix` (after the slash of `address/prefix`) is a valid length or IPv4 netmask. */
function isPrefix(prefix: string, version: 4 | 6): boolean {
  if (/^\d{1,3}$/.test(prefix)) return Number(prefix) <= (version === 4 ? 32 : 128);
  return version === 4 && isIP(prefix) === 4;
}

/** Whether `entry` is an address, `address/prefix`, `address/netmask` or a range name. */
function isTrustedAddress(entry: string): boolean {
  if (RANGE_NAMES.has(entry)) return true;
  const [address, prefix, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  return prefix === undefined || isPrefix(prefix, version === 4 ? 4 : 6);
}

/**
 * Whether `value` is something Express's `trust proxy` takes: a boolean, a number of hops (0 or
 * more), or a non-empty list of addresses, subnets and range names. Checked here so that a typo
 * fails the boot with the variable's name instead of a TypeError from proxy-addr at the first
 * request.
 */
export function isTrustProxy(value: unknown): boolean {
  if (typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0;
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((entry) => typeof entry === 'string' && isTrustedAddress(entry))
  );
}

/** Property decorator: the value is a valid `trust proxy` setting (see {@link isTrustProxy}). */
export function IsTrustProxy(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy({ name: 'isTrustProxy', validator: { validate: isTrustProxy } }, options);
}

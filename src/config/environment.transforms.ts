/**
 * class-transformer functions turning raw environment strings into typed values. A value that
 * cannot be converted is returned unchanged so that the validator reports it under its own name.
 */

/** The argument class-transformer passes to a `@Transform()` function, narrowed to what we read. */
interface RawValue {
  value: unknown;
}

const INTEGER = /^\s*-?\d+\s*$/;

/** `"3000"` → `3000`; anything else is left for `@IsInt()` to refuse. */
export function toInteger({ value }: RawValue): unknown {
  return typeof value === 'string' && INTEGER.test(value) ? Number(value) : value;
}

/** `"true"`/`"false"` (any case) → boolean; anything else is left for `@IsBoolean()` to refuse. */
export function toBoolean({ value }: RawValue): unknown {
  if (typeof value !== 'string') return value;
  const normalized = value.trim().toLowerCase();
  if (normalized === 'true') return true;
  if (normalized === 'false') return false;
  return value;
}

/** `"a, b,,c"` → `['a', 'b', 'c']`: entries are trimmed and empty ones dropped. */
export function toList({ value }: RawValue): unknown {
  if (typeof value !== 'string') return value;
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

/**
 * TRUST_PROXY in the forms Express's `trust proxy` takes: `"true"`/`"false"` → boolean, `"2"` →
 * a number of hops, anything else → a list of addresses, subnets or the names `loopback`,
 * `linklocal`, `uniquelocal`. Entries are checked by `@IsTrustProxy()`.
 */
export function toTrustProxy({ value }: RawValue): unknown {
  if (typeof value !== 'string') return value;
  const flag = toBoolean({ value });
  if (typeof flag === 'boolean') return flag;
  const hops = toInteger({ value });
  if (typeof hops === 'number') return hops;
  return toList({ value });
}

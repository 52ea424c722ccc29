import { ValidateBy, type ValidationOptions } from 'class-validator';

/**
 * Whether `value` is a bare origin (`scheme://host[:port]`, nothing after it), the only form a
 * browser sends in its `Origin` header and so the only form an exact-match check can use.
 */
export function isExactOrigin(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    return new URL(value).origin === value;
  } catch {
    return false;
  }
}

/** Property decorator: the value (or, with `each`, every entry) is an exact origin. */
export function IsExactOrigin(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy({ name: 'isExactOrigin', validator: { validate: isExactOrigin } }, options);
}

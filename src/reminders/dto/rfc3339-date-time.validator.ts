import { registerDecorator, type ValidationOptions } from 'class-validator';
import { dueAtNotRfc3339 } from '../reminders.messages';

/** RFC 3339 `date-time` (section 5.6): full date, `T`, full time with its offset. */
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;

/**
 * The instant an RFC 3339 date-time with an offset stands for, ms since the epoch, or
 * `undefined` for anything else — including the ISO 8601 forms `Date.parse` does not read
 * (week and ordinal dates, the basic format) and local times without an offset, whose instant
 * depends on the server's zone. A leap second (`:60`) is refused: JavaScript cannot hold it.
 */
export function parseRfc3339DateTime(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = DATE_TIME.exec(value);
  if (match === null) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  const [offsetHours, offsetMinutes] = [match[8], match[9]].map((part) => Number(part ?? 0));
  // Date.parse rolls 2026-02-30 over into March; a date must exist as written.
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth) return undefined;
  if (hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) {
    return undefined;
  }
  const instant = Date.parse(value.toUpperCase());
  return Number.isFinite(instant) ? instant : undefined;
}

/** The property is an RFC 3339 date-time with `Z` or a `±hh:mm` offset. */
export function IsRfc3339DateTime(options?: ValidationOptions): PropertyDecorator {
  return (object, propertyName) => {
    registerDecorator({
      name: 'isRfc3339DateTime',
      target: object.constructor,
      propertyName: propertyName as string,
      options: { message: (args) => dueAtNotRfc3339(args.property), ...options },
      validator: {
        validate: (value: unknown): boolean => parseRfc3339DateTime(value) !== undefined,
      },
    });
  };
}

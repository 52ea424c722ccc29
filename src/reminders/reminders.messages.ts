/** The reminder routes' texts, as functions so tests can assert against them. */

export const dueAtNotRfc3339 = (property: string): string =>
  `${property} must be an RFC 3339 date-time with an offset, e.g. 2026-12-01T09:00:00Z or 2026-12-01T10:00:00+01:00`;

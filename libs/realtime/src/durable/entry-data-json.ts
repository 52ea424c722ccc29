import type { NewDeliveryLogEntry } from './delivery-log-entry.interface';

/** The JSON of entries' `data`, as the check before the group commit serialized it. */
const checkedJson = new WeakMap<NewDeliveryLogEntry, string>();

/** Remembers `json` as the serialized `data` of `entry` (the check had to serialize it). */
export function rememberDataJson(entry: NewDeliveryLogEntry, json: string): void {
  checkedJson.set(entry, json);
}

/**
 * The JSON of `entry.data`: what the check serialized, so a delivered entry is serialized once,
 * or a fresh serialization for an entry appended without the check (`appendIn`).
 */
export function dataJsonOf(entry: NewDeliveryLogEntry): string {
  return checkedJson.get(entry) ?? JSON.stringify(entry.data ?? null);
}

import * as messages from '../realtime.messages';
import type { NewDeliveryLogEntry } from './delivery-log-entry.interface';
import { DeliveryEntryRejectedError } from './delivery-log.errors';
import { rememberDataJson } from './entry-data-json';

/** Longest caller-supplied entry id (ids are UUIDs, or a caller's key such as `<uuid>:<userId>`). */
export const MAX_ENTRY_ID_LENGTH = 200;

/**
 * Checks one entry before it joins a group commit, so that what can be known to fail fails its
 * own caller only, never the others of the group: a recipient and type, a string id if any,
 * data that serializes to JSON within `maxDataBytes`. The JSON is kept for the store, which then
 * does not serialize the data again.
 *
 * @returns the problem, or `undefined` when the entry can be written.
 */
export function deliveryEntryProblem(
  entry: NewDeliveryLogEntry,
  maxDataBytes: number,
): DeliveryEntryRejectedError | undefined {
  if (typeof entry.userId !== 'string' || entry.userId === '') {
    return new DeliveryEntryRejectedError(messages.entryFieldInvalid('userId'), 'userId');
  }
  if (typeof entry.type !== 'string' || entry.type === '') {
    return new DeliveryEntryRejectedError(messages.entryFieldInvalid('type'), 'type');
  }
  if (
    entry.id !== undefined &&
    (typeof entry.id !== 'string' || entry.id === '' || entry.id.length > MAX_ENTRY_ID_LENGTH)
  ) {
    return new DeliveryEntryRejectedError(messages.entryIdInvalid(MAX_ENTRY_ID_LENGTH), 'id');
  }
  let json: string | undefined;
  try {
    json = JSON.stringify(entry.data ?? null);
  } catch (error) {
    // BigInt, a cycle, a throwing toJSON: the store would fail the whole group on it.
    const reason = error instanceof Error ? error.message : String(error);
    return new DeliveryEntryRejectedError(messages.entryDataNotSerializable(reason), 'data');
  }
  if (json === undefined) {
    // A function or a symbol as the whole of `data`.
    return new DeliveryEntryRejectedError(
      messages.entryDataNotSerializable('it has no JSON form'),
      'data',
    );
  }
  // A UTF-8 byte is at most 3 per UTF-16 unit: most data is judged without counting bytes.
  if (json.length * 3 > maxDataBytes) {
    const bytes = Buffer.byteLength(json);
    if (bytes > maxDataBytes) {
      return new DeliveryEntryRejectedError(
        messages.entryDataTooLarge(bytes, maxDataBytes),
        'dataSize',
      );
    }
  }
  rememberDataJson(entry, json);
  return undefined;
}

import { isDeliveryLogEpoch } from '../durable/delivery-log-epoch';

/** Largest cursor accepted; seqs stay exact numbers far below it. */
const MAX_CURSOR = Number.MAX_SAFE_INTEGER;

/** Where a client resumes from, as its upgrade URL says (`?lastSeq=12&epoch=…`). */
export interface ResumeCursor {
  /** The last durable seq the client has. */
  lastSeq: number;
  /** The epoch of the log that seq belongs to; absent from clients that predate epochs. */
  epoch?: string;
}

/**
 * The `lastSeq` and `epoch` query parameters of an upgrade URL: `undefined` when neither is
 * there, `null` when `lastSeq` is not a non-negative integer, `epoch` is not a well-formed
 * epoch, or `epoch` comes without `lastSeq` (the handshake is then refused with 400).
 */
export function readResumeCursor(url: string | undefined): ResumeCursor | null | undefined {
  if (url === undefined || (!url.includes('lastSeq=') && !url.includes('epoch='))) {
    return undefined;
  }
  const query = new URL(url, 'http://localhost').searchParams;
  const value = query.get('lastSeq');
  const epoch = query.get('epoch');
  if (value === null) return epoch === null ? undefined : null;
  if (!/^\d{1,16}$/.test(value)) return null;
  const lastSeq = Number(value);
  if (lastSeq > MAX_CURSOR) return null;
  if (epoch === null) return { lastSeq };
  return isDeliveryLogEpoch(epoch) ? { lastSeq, epoch } : null;
}

/** Largest cursor accepted; seqs stay exact numbers far below it. */
const MAX_CURSOR = Number.MAX_SAFE_INTEGER;

/**
 * The `lastSeq` query parameter of an upgrade URL: `undefined` when absent, `null` when it is
 * not a non-negative integer (the handshake is then refused with 400).
 */
export function readResumeCursor(url: string | undefined): number | null | undefined {
  if (url === undefined || !url.includes('lastSeq=')) return undefined;
  const value = new URL(url, 'http://localhost').searchParams.get('lastSeq');
  if (value === null) return undefined;
  if (!/^\d{1,16}$/.test(value)) return null;
  const cursor = Number(value);
  return cursor <= MAX_CURSOR ? cursor : null;
}

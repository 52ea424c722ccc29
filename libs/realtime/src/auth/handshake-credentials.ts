import type { IncomingMessage } from 'node:http';

/** Where a credential was found on a request. */
export type HandshakeCredentialSource = 'bearer' | 'ticket' | 'token';

/** A credential read from a request, with where it came from. */
export interface HandshakeCredential {
  source: HandshakeCredentialSource;
  value: string;
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * Upgrade requests the realtime adapter is handling. Only the adapter adds to it, so that a
 * plain HTTP request cannot pass for an upgrade by sending `Upgrade: websocket` itself.
 */
const upgrades = new WeakSet<object>();

/**
 * Marks `request` as a genuine WebSocket upgrade, handled by the adapter. Called by the adapter
 * before it runs the handshake guards. Exported for unit tests of handshake guards, which
 * build an upgrade request by hand; application code never needs it.
 */
export function markWebSocketUpgrade(request: object): void {
  upgrades.add(request);
}

/**
 * Whether `request` is a WebSocket upgrade that the realtime adapter is handling (not merely a
 * request carrying an `Upgrade` header, which any REST call can send). Query-string credentials
 * are only read on such requests: a REST route never accepts a credential in its URL.
 */
export function isWebSocketUpgrade(request: object): boolean {
  return upgrades.has(request);
}

/**
 * Reads the credential a client presented, in order of preference: an `Authorization: Bearer`
 * header; on a WebSocket upgrade the adapter is handling ({@link isWebSocketUpgrade}), a one-time `?ticket=` (what browsers use, since they cannot set
 * headers on a WebSocket), then `?token=` (accepted but discouraged: URLs end up in proxy logs).
 *
 * @returns the credential, or `undefined` when the request carries none.
 */
export function readHandshakeCredential(
  request: Pick<IncomingMessage, 'headers' | 'url'>,
): HandshakeCredential | undefined {
  const header = request.headers.authorization;
  if (typeof header === 'string') {
    const match = BEARER.exec(header);
    if (match) return { source: 'bearer', value: match[1] };
  }
  if (!isWebSocketUpgrade(request) || request.url === undefined) return undefined;
  const queryStart = request.url.indexOf('?');
  if (queryStart === -1) return undefined;
  const query = new URLSearchParams(request.url.slice(queryStart + 1));
  const ticket = query.get('ticket');
  if (ticket) return { source: 'ticket', value: ticket };
  const token = query.get('token');
  if (token) return { source: 'token', value: token };
  return undefined;
}

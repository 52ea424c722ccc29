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
 * Whether `request` asks for a WebSocket upgrade. Query-string credentials are only read on such
 * requests: a REST route never accepts a token in its URL.
 */
export function isWebSocketUpgrade(request: Pick<IncomingMessage, 'headers'>): boolean {
  const upgrade = request.headers.upgrade;
  return typeof upgrade === 'string' && upgrade.toLowerCase() === 'websocket';
}

/**
 * Reads the credential a client presented, in order of preference: an `Authorization: Bearer`
 * header; on a WebSocket upgrade, a one-time `?ticket=` (what browsers use, since they cannot set
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

/**
 * What the client does after the server (or the network) closed the connection. Mirrors the
 * server's close-code catalogue (docs/protocol.md); a test keeps the two in step.
 */
export interface ClosePolicy {
  /** Whether to reconnect (after a backoff). */
  reconnect: boolean;
  /** Short name, for state events and logs. */
  name: string;
}

/** Codes the server sends, with its reconnect advice, and the RFC 6455 codes a client meets. */
export const CLOSE_POLICIES: Readonly<Record<number, ClosePolicy>> = {
  1000: { reconnect: false, name: 'normal closure' },
  1001: { reconnect: true, name: 'going away' },
  1002: { reconnect: false, name: 'protocol error' },
  1003: { reconnect: false, name: 'unsupported data' },
  1005: { reconnect: true, name: 'no status' },
  1006: { reconnect: true, name: 'abnormal closure' },
  1007: { reconnect: false, name: 'invalid payload' },
  1008: { reconnect: true, name: 'policy violation' },
  1009: { reconnect: true, name: 'message too big' },
  1011: { reconnect: true, name: 'internal error' },
  1012: { reconnect: true, name: 'service restart' },
  1013: { reconnect: true, name: 'try again later' },
  1014: { reconnect: true, name: 'bad gateway' },
  4008: { reconnect: true, name: 'slow consumer' },
};

/**
 * The policy for `code`. Unknown codes reconnect: a newer server may add codes, and a client
 * that gave up on them would stay offline for good.
 */
export function closePolicy(code: number): ClosePolicy {
  return CLOSE_POLICIES[code] ?? { reconnect: true, name: `code ${code}` };
}

/**
 * HTTP statuses of a refused handshake after which retrying cannot help: the credential or
 * the origin was refused, or the endpoint does not exist. A browser cannot see the status
 * (it reports an abnormal close); Node's `ws` can, and then the client stops.
 */
export const FINAL_HANDSHAKE_STATUSES: readonly number[] = [400, 401, 403, 404];

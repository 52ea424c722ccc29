import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { GatewayEndpoint } from './gateway-endpoint';

/**
 * An HTTP server whose upgrade requests the adapter answers: the application's own (gateways on
 * port 0, the default) or one the adapter created for gateways on a port of their own, which it
 * also closes.
 */
export class UpgradeHost {
  /** The gateways served here, by path. */
  readonly endpoints = new Map<string, GatewayEndpoint>();

  constructor(
    readonly server: Server,
    /** `0` for the application's server. */
    readonly port: number,
    /** Whether the adapter created the server (and so closes it). */
    readonly owned: boolean,
    /** The `upgrade` listener the adapter added, removed when the host is let go. */
    readonly onUpgrade: (request: IncomingMessage, socket: Duplex, head: Buffer) => void,
  ) {}
}

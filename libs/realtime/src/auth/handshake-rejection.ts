/** A refused handshake: the HTTP status the client gets instead of `101 Switching Protocols`. */
export class HandshakeRejection extends Error {
  constructor(
    readonly status: number,
    message?: string,
  ) {
    super(message ?? `Handshake refused with HTTP ${status}`);
    this.name = 'HandshakeRejection';
  }
}

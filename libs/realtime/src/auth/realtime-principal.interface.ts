/** The authenticated party behind a connection. */
export interface RealtimePrincipal {
  /** Stable user id; every connection of one user shares it. */
  userId: string;
  /**
   * When the credential expires, in milliseconds since the epoch; the connection is closed with
   * 1008 at that moment. `undefined`: never.
   */
  expiresAt?: number;
  /** What the handshake guard left on `request.user`, for handlers that need more than the id. */
  user: unknown;
}

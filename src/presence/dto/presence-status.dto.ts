/** What `GET /presence/:userId` answers. */
export class PresenceStatusDto {
  /** The user asked about. */
  userId!: string;
  /** Whether the user has at least one open WebSocket, on any instance. */
  online!: boolean;
  /** The user's open WebSockets on every instance (with `REDIS_URL`) or on this one. */
  connections!: number;
}

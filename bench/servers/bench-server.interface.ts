/** What every benchmarked server implementation offers the harness. */
export interface BenchServer {
  /** Where clients connect (ws:// for WebSocket servers, http:// for Socket.IO). */
  readonly url: string;
  /** Pushes `data` as a `schedule-reminder` to every connection; returns sockets reached. */
  broadcast(data: object): number;
  /** Pushes `data` to every connection of one user; returns sockets reached. */
  toUser(userId: string, data: object): number;
  /** Open connections. */
  connections(): number;
  close(): Promise<void>;
}

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
  /** Durable delivery and reminders, on servers started with a database. */
  readonly durable?: DurableBench;
  /** Rooms, on the servers the cluster scenario compares (ours and Socket.IO). */
  readonly rooms?: RoomBench;
  close(): Promise<void>;
}

/** Reminders to put in the database before a lateness measurement. */
export interface ReminderSeedPlan {
  /** Pending reminders in all. */
  pending: number;
  /** Owners u0..u(users-1), round-robin. */
  users: number;
  /** The first `dueCount` come due from `firstDueAt` (ms since the epoch) at `perSecond`. */
  dueCount: number;
  firstDueAt: number;
  perSecond: number;
}

/** The durable side of a server started with a database. */
export interface DurableBench {
  /** Writes a `schedule-reminder` to the user's delivery log; pushed live once committed. */
  deliver(userId: string, data: object): Promise<unknown>;
  /**
   * Replaces every reminder with `plan`'s: the due ones, then the rest spread over the following
   * days (so they stay pending), and lets the scheduler know.
   */
  seedReminders(plan: ReminderSeedPlan): Promise<void>;
  /** Sum of every user's acknowledged seq, read from the database. */
  ackedTotal(): Promise<number>;
}

/** Rooms on a server: what the cluster scenario's room spanning every instance needs. */
export interface RoomBench {
  /** Puts every connection of this instance in `room`; returns the room's size here. */
  joinAll(room: string): number;
  /**
   * Pushes `data` as a `schedule-reminder` to every member of `room`, on every instance of a
   * cluster; returns the sockets of this instance reached.
   */
  toRoom(room: string, data: object): number;
}

/** Where a cluster transport stands: `up` while messages flow both ways. */
export type ClusterTransportState = 'connecting' | 'up' | 'down';

/** What a transport tells the cluster bus. */
export interface ClusterTransportHandlers {
  /** A message some instance published (this one's too: the bus skips its own). */
  message(payload: Buffer): void;
  /**
   * The transport is (back) up and subscribed: messages published from now on arrive. Anything
   * published while it was down is lost to this instance, so the bus catches its durable
   * connections up from the log.
   */
  up(): void;
  /** The transport lost its connection; publishes fail until `up`. */
  down(error?: unknown): void;
}

/**
 * Carries the cluster bus's messages between instances: one broadcast channel, every instance
 * subscribed. `@nest-realtime/core/redis` has one on Redis pub/sub; any broker with
 * at-most-once broadcast fits (the module makes durable delivery whole on top of it).
 */
export interface ClusterTransport {
  /** The current state (for health checks). */
  readonly state: ClusterTransportState;
  /**
   * Connects and subscribes in the background and returns at once: an instance boots (and
   * serves its own connections) while the broker is unreachable, and joins when it comes back.
   */
  start(handlers: ClusterTransportHandlers): void;
  /**
   * Sends `payload` to every instance. Never throws and never waits: while the transport is
   * down the message is dropped.
   *
   * @returns whether it was handed to the broker.
   */
  publish(payload: Buffer): boolean;
  /** Unsubscribes and disconnects. */
  stop(): Promise<void>;
}

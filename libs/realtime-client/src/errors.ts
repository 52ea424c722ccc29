/** A request the server answered with an `error` frame. */
export class RealtimeRequestError extends Error {
  constructor(
    /** The frame's stable `code` (`VALIDATION_FAILED`, `FORBIDDEN`, …). */
    readonly code: string,
    message: string,
    /** Field details of `VALIDATION_FAILED`, `retryAfterMs` of `RATE_LIMITED`, … */
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'RealtimeRequestError';
  }
}

/** A request that got no answer in time. */
export class RealtimeTimeoutError extends Error {
  constructor(
    readonly type: string,
    readonly timeoutMs: number,
  ) {
    super(`No answer to "${type}" within ${timeoutMs} ms.`);
    this.name = 'RealtimeTimeoutError';
  }
}

/**
 * A request sent on a connection that closed before its answer came. It may or may not have
 * been handled; retry only what is safe to repeat.
 */
export class RealtimeConnectionLostError extends Error {
  constructor(readonly type: string) {
    super(`The connection closed before "${type}" was answered.`);
    this.name = 'RealtimeConnectionLostError';
  }
}

/** A send while disconnected, with the offline queue already full. Nothing was queued. */
export class RealtimeQueueFullError extends Error {
  constructor(readonly limit: number) {
    super(`The offline queue is full (${limit} messages); the message was not queued.`);
    this.name = 'RealtimeQueueFullError';
  }
}

/** The client was closed (by `close()`, or for good by the server) with the message unsent. */
export class RealtimeClosedError extends Error {
  constructor() {
    super('The client is closed.');
    this.name = 'RealtimeClosedError';
  }
}

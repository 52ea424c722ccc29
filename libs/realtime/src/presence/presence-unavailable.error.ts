import * as messages from '../realtime.messages';

/**
 * A cluster-wide presence read failed: the presence store (Redis) is unreachable or did not
 * answer in time. Retryable; the reference backend answers `503`.
 */
export class PresenceUnavailableError extends Error {
  constructor(options?: { cause?: unknown }) {
    super(messages.presenceUnavailable(), options);
    this.name = 'PresenceUnavailableError';
  }
}

import type { ErrorFrameData } from '../protocol/frame.interface';

/**
 * One inbound frame while it is being handled. Handlers receive it as the third handler argument
 * (after the socket and `data`), which lets {@link RealtimeExceptionFilter} record a failure
 * against the request it belongs to so that the reply carries the right `replyTo`.
 */
export class InboundMessage {
  /** Set by the exception filter when the handler failed; the error frame to send instead of a reply. */
  failure: ErrorFrameData | undefined = undefined;

  constructor(
    readonly type: string,
    readonly data: unknown,
    readonly id: string | undefined,
  ) {}
}

import { WsException } from '@nestjs/websockets';
import type { ErrorFrameData } from '../protocol/frame.interface';
import type { RealtimeErrorCode } from '../protocol/realtime-codes';

/**
 * An error with a stable protocol code. Throw it from a handler, guard or pipe to answer with
 * exactly that `error` frame.
 */
export class RealtimeException extends WsException {
  constructor(
    readonly code: RealtimeErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'RealtimeException';
  }

  /** The `data` of the error frame this exception becomes. */
  toFrameData(): ErrorFrameData {
    const data: ErrorFrameData = { code: this.code, message: this.message };
    if (this.details !== undefined) data.details = this.details;
    return data;
  }
}

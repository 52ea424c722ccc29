import {
  Catch,
  HttpException,
  HttpStatus,
  Logger,
  type ArgumentsHost,
  type WsExceptionFilter,
} from '@nestjs/common';
import { WsException } from '@nestjs/websockets';
import type { WebSocket } from 'ws';
import * as messages from '../realtime.messages';
import type { ErrorFrameData } from '../protocol/frame.interface';
import { RealtimeErrorCode } from '../protocol/realtime-codes';
import { encodeErrorIn } from '../protocol/wire-format';
import { RealtimeConnection } from '../registry/realtime-connection';
import { InboundMessage } from './inbound-message';
import { RealtimeException } from './realtime.exception';

/** What Nest throws when a message guard returns false. */
const NEST_FORBIDDEN_MESSAGE = 'Forbidden resource';

/**
 * Turns whatever a handler, guard, pipe or interceptor threw into an `error` frame with a stable
 * code. Unknown errors reach the client as a generic `INTERNAL` and the log with their stack.
 * Applied to every gateway by `@RealtimeGateway()`.
 */
@Catch()
export class RealtimeExceptionFilter implements WsExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const error = toErrorFrameData(exception);
    const message: unknown = host.getArgByIndex(2);
    if (message instanceof InboundMessage) {
      // The dispatcher sends it once the handler's promise settles, in place of the reply.
      message.failure = error;
      return;
    }
    // Outside the dispatcher (a hook of your own that calls the filter): answer directly.
    const client = host.switchToWs().getClient<WebSocket>();
    if (client.readyState !== client.OPEN) return;
    const pattern: unknown = host.switchToWs().getPattern();
    const nestFrames = RealtimeConnection.of(client)?.nestFrames === true;
    const cause = typeof pattern === 'string' ? { pattern } : undefined;
    client.send(encodeErrorIn(nestFrames, error, undefined, cause), { compress: false });
  }
}

/** Maps an exception to the error frame it becomes; logs the ones the client must not see. */
export function toErrorFrameData(exception: unknown): ErrorFrameData {
  if (exception instanceof RealtimeException) return exception.toFrameData();
  if (exception instanceof WsException) return fromWsException(exception);
  if (exception instanceof HttpException) return fromHttpException(exception);
  logUnexpected(exception);
  return { code: RealtimeErrorCode.INTERNAL, message: messages.internalError() };
}

const logger = new Logger('RealtimeExceptionFilter');

function logUnexpected(exception: unknown): void {
  logger.error(
    messages.internalError(),
    exception instanceof Error ? exception.stack : String(exception),
  );
}

function fromWsException(exception: WsException): ErrorFrameData {
  const error = exception.getError();
  if (error === NEST_FORBIDDEN_MESSAGE) {
    return { code: RealtimeErrorCode.FORBIDDEN, message: messages.forbidden() };
  }
  if (typeof error === 'string') return { code: RealtimeErrorCode.BAD_REQUEST, message: error };
  const shaped = error as { code?: unknown; message?: unknown; details?: unknown };
  const code = isErrorCode(shaped.code) ? shaped.code : RealtimeErrorCode.BAD_REQUEST;
  const message = typeof shaped.message === 'string' ? shaped.message : exception.message;
  return shaped.details === undefined
    ? { code, message }
    : { code, message, details: shaped.details };
}

function fromHttpException(exception: HttpException): ErrorFrameData {
  const status = exception.getStatus();
  const code = httpStatusToCode(status);
  if (code === RealtimeErrorCode.INTERNAL) {
    logUnexpected(exception);
    return { code, message: messages.internalError() };
  }
  const response = exception.getResponse();
  const details =
    typeof response === 'object' && response !== null && 'message' in response
      ? response.message
      : undefined;
  return details === undefined || details === exception.message
    ? { code, message: exception.message }
    : { code, message: exception.message, details };
}

function httpStatusToCode(status: number): RealtimeErrorCode {
  switch (status as HttpStatus) {
    case HttpStatus.BAD_REQUEST:
    case HttpStatus.UNPROCESSABLE_ENTITY:
      return RealtimeErrorCode.VALIDATION_FAILED;
    case HttpStatus.UNAUTHORIZED:
    case HttpStatus.FORBIDDEN:
      return RealtimeErrorCode.FORBIDDEN;
    case HttpStatus.NOT_FOUND:
      return RealtimeErrorCode.NOT_FOUND;
    case HttpStatus.CONFLICT:
      return RealtimeErrorCode.CONFLICT;
    case HttpStatus.TOO_MANY_REQUESTS:
      return RealtimeErrorCode.RATE_LIMITED;
    default:
      return status >= 500 ? RealtimeErrorCode.INTERNAL : RealtimeErrorCode.BAD_REQUEST;
  }
}

const ERROR_CODES = new Set<unknown>(Object.values(RealtimeErrorCode));

function isErrorCode(value: unknown): value is RealtimeErrorCode {
  return ERROR_CODES.has(value);
}

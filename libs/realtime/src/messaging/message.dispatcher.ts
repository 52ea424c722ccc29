import { Inject, Injectable } from '@nestjs/common';
import { isObservable, type Observable } from 'rxjs';
import type { RawData } from 'ws';
import { BINARY_MESSAGE_TYPE, REALTIME_OPTIONS } from '../realtime.constants';
import * as messages from '../realtime.messages';
import type { GatewayEndpoint } from '../adapter/gateway-endpoint';
import { ConnectionSender } from '../delivery/connection.sender';
import type { ResolvedRealtimeOptions } from '../options/resolved-realtime-options.interface';
import { encodeReply } from '../protocol/frame.codec';
import type { ErrorFrameData } from '../protocol/frame.interface';
import { parseWithMessageParser } from '../protocol/custom-frame.parser';
import { parseFrame } from '../protocol/frame.parser';
import { parseNestFrame } from '../protocol/nest-frame.parser';
import { isEventResponse, type ExceptionCause } from '../protocol/wire-format';
import type { RealtimeMessageParser } from '../protocol/message-parser.interface';
import {
  RealtimeCloseCode,
  RealtimeCloseReason,
  RealtimeErrorCode,
} from '../protocol/realtime-codes';
import { ConnectionRegistry } from '../registry/connection-registry';
import type { RealtimeConnection } from '../registry/realtime-connection';
import { InboundMessage } from './inbound-message';
import { takeToken } from './rate-limiter';
import { toErrorFrameData } from './realtime-exception.filter';
import { RoomRequestHandler } from './room-request.handler';
import { DeliveryRequestHandler } from '../durable/delivery-request.handler';
import {
  RealtimeMetrics,
  UNKNOWN_MESSAGE_TYPE,
  UNPARSED_MESSAGE_TYPE,
} from '../metrics/realtime-metrics';

/**
 * Routes each inbound frame: parse, rate limit, built-in types (`ping`, `pong`, `join`, `leave`,
 * `ack`, `resume`), then the gateway's `@SubscribeMessage()` handler. Every frame gets a defined
 * outcome: a reply when it carried an `id`, an `error` frame with a stable code, or (for abuse) a
 * close. Connections in the `'nest'` wire format get what `@nestjs/platform-ws` would send them
 * (every value a handler returns or emits) and `exception` events for errors.
 */
@Injectable()
export class MessageDispatcher {
  private readonly rate: ResolvedRealtimeOptions['rateLimit'];
  /** Built-in message types that are on; the others go to the gateway like any type. */
  private readonly builtIns: ReadonlySet<string>;

  constructor(
    @Inject(REALTIME_OPTIONS) options: ResolvedRealtimeOptions,
    private readonly registry: ConnectionRegistry,
    private readonly sender: ConnectionSender,
    private readonly rooms: RoomRequestHandler,
    private readonly deliveries: DeliveryRequestHandler,
    private readonly metrics: RealtimeMetrics,
  ) {
    this.rate = options.rateLimit;
    this.builtIns = options.builtInMessages;
  }

  /**
   * Handles one frame; `data` is a Buffer (the adapter's sockets use ws's default binaryType).
   * With an application's `parser`, every frame (text as a string, binary as the Buffer) is read
   * by it instead of as a JSON frame.
   */
  dispatch(
    connection: RealtimeConnection,
    endpoint: GatewayEndpoint,
    data: RawData,
    isBinary: boolean,
    parser?: RealtimeMessageParser,
  ): void {
    if (!connection.registered) return;
    let message: InboundMessage | undefined;
    let rejected: ErrorFrameData | undefined;
    let replyTo: string | undefined;
    if (isBinary && parser === undefined) {
      message = new InboundMessage(BINARY_MESSAGE_TYPE, data, undefined);
    } else {
      const parsed =
        parser === undefined
          ? connection.nestFrames
            ? parseNestFrame((data as Buffer).toString())
            : parseFrame((data as Buffer).toString())
          : parseWithMessageParser(
              parser,
              isBinary ? (data as Buffer) : (data as Buffer).toString(),
            );
      if (parsed.ok) {
        message = parsed.message;
        replyTo = message.id;
      } else {
        rejected = parsed.error;
        replyTo = parsed.replyTo;
      }
    }
    // Where the message goes, looked up once; it also names its metrics label (client-chosen
    // names that nothing serves are not labels of their own).
    const target = message === undefined ? undefined : this.targetOf(endpoint, message.type);
    const label =
      message === undefined
        ? UNPARSED_MESSAGE_TYPE
        : target === undefined
          ? UNKNOWN_MESSAGE_TYPE
          : message.type;
    this.metrics.received(label);
    // Malformed frames count against the limit too: they cost the server as much.
    const retryAfterMs = takeToken(
      connection,
      this.rate.messagesPerSecond,
      this.rate.burst,
      performance.now(),
    );
    if (retryAfterMs > 0) {
      this.refuse(connection, retryAfterMs, replyTo, label);
      return;
    }
    connection.violations = 0;
    if (message === undefined) {
      this.sendError(connection, rejected!, replyTo, undefined, label);
      return;
    }
    this.route(connection, message, target);
  }

  /**
   * What serves a message type: {@link BUILT_IN}, the position of the gateway's handler, or
   * `undefined` for nothing.
   */
  private targetOf(endpoint: GatewayEndpoint, type: string): Target {
    return this.builtIns.has(type) ? BUILT_IN : endpoint.handlerIndex?.get(type);
  }

  private route(connection: RealtimeConnection, message: InboundMessage, target: Target): void {
    if (target === BUILT_IN) {
      this.routeBuiltIn(connection, message);
      return;
    }
    if (target === undefined) {
      this.sendError(
        connection,
        message.type === BINARY_MESSAGE_TYPE
          ? { code: RealtimeErrorCode.BINARY_NOT_ACCEPTED, message: messages.binaryNotAccepted() }
          : { code: RealtimeErrorCode.UNKNOWN_TYPE, message: messages.unknownType(message.type) },
        message.id,
        causeOf(message),
        UNKNOWN_MESSAGE_TYPE,
      );
      return;
    }
    let result: unknown;
    try {
      // Nest's handler proxy catches what the handler throws and hands it to the exception
      // filter, which records it on `message`.
      result = connection.handlers[target].callback(message.data, message);
    } catch (error) {
      message.failure = toErrorFrameData(error);
    }
    this.deliver(connection, message, result);
  }

  /** Handles a built-in message type (one of `builtInMessages`). */
  private routeBuiltIn(connection: RealtimeConnection, message: InboundMessage): void {
    switch (message.type) {
      case 'ping':
        this.sender.send(connection, encodeReply('pong', undefined, message.id));
        return;
      case 'pong':
        // The answer to an application heartbeat (`heartbeatFrames`); the adapter has counted
        // it as liveness already. Accepted silently either way, answered only when asked.
        this.finish(connection, message, undefined, false);
        return;
      case 'join':
        this.settle(connection, message, this.rooms.join(connection, message.data), true);
        return;
      case 'leave':
        this.settle(connection, message, this.rooms.leave(connection, message.data), true);
        return;
      case 'ack':
        // Acks are as frequent as durable pushes: answered only when asked (with `id`).
        this.settle(connection, message, this.deliveries.ack(connection, message.data), false);
        return;
      case 'resume':
        this.settle(connection, message, this.deliveries.resume(connection, message.data), true);
        return;
    }
  }

  private settle(
    connection: RealtimeConnection,
    message: InboundMessage,
    result: unknown,
    alwaysReply: boolean,
  ): void {
    if (result instanceof Promise) {
      result.then(
        (value: unknown) => this.settle(connection, message, value, alwaysReply),
        (error: unknown) => this.fail(connection, message, error),
      );
      return;
    }
    this.finish(connection, message, result, alwaysReply);
  }

  /**
   * Sends what a gateway handler returned. In this module's format: a `WsResponse` as the event
   * it names (always), any other value as the reply (when asked, with `id`). In the `'nest'`
   * format, as `@nestjs/platform-ws` does: every value that is not `null` or `undefined`, as JSON
   * text, as it is. An Observable's emissions go out one by one ({@link stream}).
   */
  private deliver(connection: RealtimeConnection, message: InboundMessage, result: unknown): void {
    if (result instanceof Promise) {
      result.then(
        (value: unknown) => this.deliver(connection, message, value),
        (error: unknown) => this.fail(connection, message, error),
      );
      return;
    }
    if (isObservable(result)) this.stream(connection, message, result);
    else if (message.failure !== undefined) this.finish(connection, message, undefined, false);
    else if (connection.nestFrames) this.sendNestValue(connection, message, result);
    else if (isEventResponse(result)) this.sendValue(connection, message, result, message.id);
    else this.finish(connection, message, result, false);
  }

  /**
   * Sends each emission of a handler's Observable as it comes. In this module's format, when the
   * request has an `id`, an emission waits for the next one (or the end) so that the last one can
   * carry `replyTo`: the reply marks the end of the stream. The subscription ends with the
   * connection.
   */
  private stream(
    connection: RealtimeConnection,
    message: InboundMessage,
    source: Observable<unknown>,
  ): void {
    const asNest = connection.nestFrames;
    const holdLast = !asNest && message.id !== undefined;
    let held: unknown;
    let holding = false;
    const flush = (replyTo: string | undefined): void => {
      if (!holding) return;
      holding = false;
      this.sendValue(connection, message, held, replyTo);
    };
    const subscription = source.subscribe({
      next: (value: unknown) => {
        if (asNest) this.sendNestValue(connection, message, value);
        else if (!holdLast) {
          if (isEventResponse(value)) this.sendValue(connection, message, value, undefined);
        } else {
          flush(undefined);
          held = value;
          holding = true;
        }
      },
      error: (error: unknown) => {
        connection.streams?.delete(subscription);
        flush(undefined);
        this.fail(connection, message, error);
      },
      complete: () => {
        connection.streams?.delete(subscription);
        if (message.failure !== undefined) {
          flush(undefined);
          this.finish(connection, message, undefined, false);
        } else if (holding) flush(message.id);
        else if (!asNest) this.finish(connection, message, undefined, false);
      },
    });
    // A synchronous Observable is done already; only a live one is tied to the connection.
    if (!subscription.closed) (connection.streams ??= new Set()).add(subscription);
  }

  /** One value of a handler in this module's format: a `WsResponse` as its event, else a reply. */
  private sendValue(
    connection: RealtimeConnection,
    message: InboundMessage,
    value: unknown,
    replyTo: string | undefined,
  ): void {
    let frame: string;
    try {
      frame = isEventResponse(value)
        ? encodeReply(value.event, value.data, replyTo)
        : encodeReply(message.type, value, replyTo);
    } catch (error) {
      this.fail(connection, message, error);
      return;
    }
    this.sender.send(connection, frame);
  }

  /** One value of a handler in the `'nest'` format: as JSON text, unless `null` or `undefined`. */
  private sendNestValue(
    connection: RealtimeConnection,
    message: InboundMessage,
    value: unknown,
  ): void {
    if (value === undefined || value === null) return;
    let text: string;
    try {
      text = JSON.stringify(value);
    } catch (error) {
      this.fail(connection, message, error);
      return;
    }
    this.sender.sendRaw(connection, text);
  }

  /** Answers a message whose handler failed (threw, rejected or errored) with its error. */
  private fail(connection: RealtimeConnection, message: InboundMessage, error: unknown): void {
    message.failure = toErrorFrameData(error);
    this.finish(connection, message, undefined, false);
  }

  private finish(
    connection: RealtimeConnection,
    message: InboundMessage,
    value: unknown,
    alwaysReply: boolean,
  ): void {
    if (message.failure !== undefined) {
      this.sendError(connection, message.failure, message.id, causeOf(message), message.type);
    } else if (alwaysReply || message.id !== undefined) {
      this.sendValue(connection, message, value, message.id);
    }
  }

  private refuse(
    connection: RealtimeConnection,
    retryAfterMs: number,
    replyTo: string | undefined,
    label: string,
  ): void {
    connection.violations++;
    if (connection.violations >= this.rate.maxViolations) {
      this.registry.remove(connection);
      connection.socket.close(
        RealtimeCloseCode.POLICY_VIOLATION,
        RealtimeCloseReason.RATE_LIMIT_EXCEEDED,
      );
      return;
    }
    this.sendError(
      connection,
      {
        code: RealtimeErrorCode.RATE_LIMITED,
        message: messages.rateLimited(retryAfterMs),
        details: { retryAfterMs },
      },
      replyTo,
      undefined,
      label,
    );
  }

  private sendError(
    connection: RealtimeConnection,
    error: ErrorFrameData,
    replyTo: string | undefined,
    cause: ExceptionCause | undefined,
    label: string,
  ): void {
    this.metrics.failed(label, error.code);
    this.sender.sendError(connection, error, replyTo, cause);
  }
}

/** A message served by a built-in (`builtInMessages`) rather than a gateway handler. */
const BUILT_IN = -1;
/** {@link BUILT_IN}, a gateway handler's position, or `undefined`: nothing serves the type. */
type Target = number | undefined;

/** What an `exception` event (the `'nest'` format) says a failed message was. */
function causeOf(message: InboundMessage): ExceptionCause {
  return { pattern: message.type, data: message.data };
}

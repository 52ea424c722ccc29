import { Inject, Injectable } from '@nestjs/common';
import { isObservable, lastValueFrom } from 'rxjs';
import type { RawData } from 'ws';
import { BINARY_MESSAGE_TYPE, REALTIME_OPTIONS } from '../realtime.constants';
import * as messages from '../realtime.messages';
import type { GatewayEndpoint } from '../adapter/gateway-endpoint';
import { ConnectionSender } from '../delivery/connection.sender';
import type { ResolvedRealtimeOptions } from '../options/resolved-realtime-options.interface';
import { encodeError, encodeReply } from '../protocol/frame.codec';
import type { ErrorFrameData } from '../protocol/frame.interface';
import { parseWithMessageParser } from '../protocol/custom-frame.parser';
import { parseFrame } from '../protocol/frame.parser';
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

/**
 * Routes each inbound frame: parse, rate limit, built-in types (`ping`, `pong`, `join`, `leave`,
 * `ack`, `resume`), then the gateway's `@SubscribeMessage()` handler. Every frame gets a defined
 * outcome: a reply when it carried an `id`, an `error` frame with a stable code, or (for abuse) a
 * close.
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
          ? parseFrame((data as Buffer).toString())
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
    // Malformed frames count against the limit too: they cost the server as much.
    const retryAfterMs = takeToken(
      connection,
      this.rate.messagesPerSecond,
      this.rate.burst,
      performance.now(),
    );
    if (retryAfterMs > 0) {
      this.refuse(connection, retryAfterMs, replyTo);
      return;
    }
    connection.violations = 0;
    if (message === undefined) {
      this.sendError(connection, rejected!, replyTo);
      return;
    }
    this.route(connection, endpoint, message);
  }

  private route(
    connection: RealtimeConnection,
    endpoint: GatewayEndpoint,
    message: InboundMessage,
  ): void {
    if (this.builtIns.has(message.type)) {
      this.routeBuiltIn(connection, message);
      return;
    }
    const index = endpoint.handlerIndex?.get(message.type);
    if (index === undefined) {
      this.sendError(
        connection,
        message.type === BINARY_MESSAGE_TYPE
          ? { code: RealtimeErrorCode.BINARY_NOT_ACCEPTED, message: messages.binaryNotAccepted() }
          : { code: RealtimeErrorCode.UNKNOWN_TYPE, message: messages.unknownType(message.type) },
        message.id,
      );
      return;
    }
    let result: unknown;
    try {
      // Nest's handler proxy catches what the handler throws and hands it to the exception
      // filter, which records it on `message`.
      result = connection.handlers[index].callback(message.data, message);
    } catch (error) {
      message.failure = toErrorFrameData(error);
    }
    this.settle(connection, message, result, false);
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
        (error: unknown) => {
          message.failure = toErrorFrameData(error);
          this.finish(connection, message, undefined, alwaysReply);
        },
      );
      return;
    }
    if (isObservable(result)) {
      this.settle(
        connection,
        message,
        lastValueFrom(result, { defaultValue: undefined }),
        alwaysReply,
      );
      return;
    }
    this.finish(connection, message, result, alwaysReply);
  }

  private finish(
    connection: RealtimeConnection,
    message: InboundMessage,
    value: unknown,
    alwaysReply: boolean,
  ): void {
    if (message.failure !== undefined) {
      this.sendError(connection, message.failure, message.id);
    } else if (alwaysReply || message.id !== undefined) {
      this.sender.send(connection, encodeReply(message.type, value, message.id));
    }
  }

  private refuse(
    connection: RealtimeConnection,
    retryAfterMs: number,
    replyTo: string | undefined,
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
    );
  }

  private sendError(
    connection: RealtimeConnection,
    error: ErrorFrameData,
    replyTo: string | undefined,
  ): void {
    this.sender.send(connection, encodeError(error, replyTo));
  }
}

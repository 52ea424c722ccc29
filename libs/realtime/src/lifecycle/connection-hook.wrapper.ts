import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { GATEWAY_METADATA } from '@nestjs/websockets/constants';
import { WebSocket } from 'ws';
import { toErrorFrameData } from '../messaging/realtime-exception.filter';
import { ConnectionSender } from '../delivery/connection.sender';
import {
  RealtimeCloseCode,
  RealtimeCloseReason,
  RealtimeErrorCode,
} from '../protocol/realtime-codes';
import { ConnectionRegistry } from '../registry/connection-registry';
import { RealtimeConnection } from '../registry/realtime-connection';

type ConnectionHook = (this: unknown, socket: unknown, ...rest: unknown[]) => unknown;
type GatewayInstance = { handleConnection?: ConnectionHook };

/**
 * Makes a gateway's `handleConnection` that throws or rejects end that connection instead of
 * the process. Nest calls the hook inside an RxJS subscription, which rethrows a synchronous
 * error on a timer (an uncaught exception) and leaves a rejected promise unhandled: either one
 * would take the whole server down for one client. Wrapped, the client gets an `error` frame
 * (the exception as the exception filter maps it), is forgotten by the registry at once (no push
 * reaches it) and is closed (in the `'nest'` wire format the error is Nest's `exception` event,
 * with `cause: { pattern: 'handleConnection' }`): `1008` `connection refused` for a refusal (a `WsException`,
 * `RealtimeException` or `HttpException` below 500), `1011` `internal error` for anything else,
 * which is logged with its stack.
 */
@Injectable()
export class ConnectionHookWrapper implements OnApplicationBootstrap {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly registry: ConnectionRegistry,
    private readonly sender: ConnectionSender,
  ) {}

  onApplicationBootstrap(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const metatype: unknown = wrapper.metatype;
      const instance: unknown = wrapper.instance;
      if (typeof metatype !== 'function' || !Reflect.getMetadata(GATEWAY_METADATA, metatype)) {
        continue;
      }
      // A request-scoped gateway's instance here is Nest's stand-in built from its prototype,
      // the one Nest calls `handleConnection` on for every connection: wrapped like the others
      // (test/nest-compat/scoped-connection-hook-error.e2e-spec.ts).
      if (instance === null || typeof instance !== 'object') continue;
      this.wrap(instance);
    }
  }

  private wrap(gateway: GatewayInstance): void {
    const hook = gateway.handleConnection;
    if (typeof hook !== 'function') return;
    const fail = (socket: unknown, error: unknown): void => this.refuse(socket, error);
    gateway.handleConnection = function (this: unknown, socket: unknown, ...rest: unknown[]) {
      let result: unknown;
      try {
        result = hook.call(this, socket, ...rest);
      } catch (error) {
        fail(socket, error);
        return undefined;
      }
      if (isPromiseLike(result)) {
        return Promise.resolve(result).catch((error: unknown) => fail(socket, error));
      }
      return result;
    };
  }

  private refuse(socket: unknown, exception: unknown): void {
    if (!(socket instanceof WebSocket)) return;
    const connection = RealtimeConnection.of(socket);
    if (connection === undefined) return;
    this.registry.remove(connection);
    const error = toErrorFrameData(exception);
    if (socket.readyState !== WebSocket.OPEN) return;
    this.sender.sendError(connection, error, undefined, { pattern: 'handleConnection' });
    if (error.code === RealtimeErrorCode.INTERNAL) {
      socket.close(RealtimeCloseCode.INTERNAL_ERROR, RealtimeCloseReason.INTERNAL);
    } else {
      socket.close(RealtimeCloseCode.POLICY_VIOLATION, RealtimeCloseReason.CONNECTION_REFUSED);
    }
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

import {
  HttpStatus,
  Logger,
  type INestApplication,
  type Type,
  type WebSocketAdapter,
} from '@nestjs/common';
import { MESSAGE_METADATA } from '@nestjs/websockets/constants';
import type { MessageMappingProperties } from '@nestjs/websockets';
import { DiscoveryService } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import {
  createServer,
  STATUS_CODES,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { CredentialExpiryService } from '../auth/credential-expiry.service';
import { HandshakeAuthenticator, type HandshakeGuardChain } from '../auth/handshake.authenticator';
import { HandshakeRejection } from '../auth/handshake-rejection';
import { markWebSocketUpgrade } from '../auth/handshake-credentials';
import { WsTicketService } from '../auth/ws-ticket.service';
import type { RealtimePrincipal } from '../auth/realtime-principal.interface';
import { ConnectionSender } from '../delivery/connection.sender';
import { PreparedFrame } from '../delivery/prepared-frame';
import { RealtimeLifecycle } from '../lifecycle/realtime.lifecycle';
import { MessageDispatcher } from '../messaging/message.dispatcher';
import type { ResolvedRealtimeOptions } from '../options/resolved-realtime-options.interface';
import { encodeFrame } from '../protocol/frame.codec';
import { RealtimeCloseCode, RealtimeCloseReason } from '../protocol/realtime-codes';
import type { ConnectedFrameData } from '../protocol/frame.interface';
import type { RealtimeMessageParser } from '../protocol/message-parser.interface';
import {
  HANDSHAKE_GUARDS_METADATA,
  PUBLIC_GATEWAY_METADATA,
  REALTIME_OPTIONS,
} from '../realtime.constants';
import * as messages from '../realtime.messages';
import type { HandshakeRefusalReason } from '../realtime.messages';
import { ConnectionRegistry } from '../registry/connection-registry';
import { PresenceTracker } from '../presence/presence.tracker';
import { RealtimeMetrics } from '../metrics/realtime-metrics';
import { RealtimeConnection } from '../registry/realtime-connection';
import { GatewayEndpoint } from './gateway-endpoint';
import { isOriginAllowed } from './origin-policy';
import { readResumeCursor, type ResumeCursor } from './resume-cursor';
import { DurableDelivery } from '../durable/durable-delivery.service';
import { RealtimeException } from '../messaging/realtime.exception';
import { toErrorFrameData } from '../messaging/realtime-exception.filter';
import { pathOf, rejectHandshake } from './handshake-response';
import { findGatewayClasses } from './gateway-class.finder';
import { UpgradeHost } from './upgrade-host';
import { isWireFormat } from '../protocol/wire-format';
import type { RealtimeWsAdapterOptions } from './realtime-ws-adapter-options.interface';

/** The module's providers the adapter works with, looked up once the application exists. */
interface AdapterServices {
  options: ResolvedRealtimeOptions;
  registry: ConnectionRegistry;
  authenticator: HandshakeAuthenticator;
  dispatcher: MessageDispatcher;
  sender: ConnectionSender;
  expiry: CredentialExpiryService;
  lifecycle: RealtimeLifecycle;
  delivery: DurableDelivery;
  tickets: WsTicketService;
  presence: PresenceTracker;
  discovery: DiscoveryService;
  metrics: RealtimeMetrics;
}

/**
 * The WebSocket adapter of `RealtimeModule`, on `ws`. It serves `@RealtimeGateway()` and plain
 * `@WebSocketGateway()` classes: on the application's HTTP server and port, or, for a gateway
 * with a port of its own (`@WebSocketGateway(8080)`), on an HTTP server it creates, listens with
 * and closes itself. Each upgrade request goes through, in order: path match (404), shutdown (503), `Origin`
 * (403), a well-formed `?lastSeq=` and `?epoch=` (400), the gateway's `@HandshakeGuards()`
 * (401/403/…), the per-user connection cap (429; cluster-wide with a `presence` store), spending
 * a one-time ticket the guards redeemed (401 if a concurrent handshake spent it first) — and only
 * then gets `101 Switching Protocols`.
 *
 * @example
 * ```ts
 * const app = await NestFactory.create(AppModule);
 * app.useWebSocketAdapter(new RealtimeWsAdapter(app)); // or (app, { messageParser })
 * app.enableShutdownHooks();
 * await app.listen(3000);
 * ```
 */
export class RealtimeWsAdapter implements WebSocketAdapter<
  WebSocketServer,
  WebSocket,
  Record<string, unknown>
> {
  private readonly logger = new Logger('RealtimeWsAdapter');
  private readonly httpServer: Server;
  /** Where upgrades come from, by port (`0`: the application's server). */
  private readonly hosts = new Map<number, UpgradeHost>();
  private services: AdapterServices | undefined;
  /** Per user, handshakes past the local cap still claiming their place or taking their ticket. */
  private readonly pendingHandshakes = new Map<string, number>();

  // Shared by every socket (they find their connection through `this`), so that a connection
  // costs no closures of ours.
  private readonly socketListeners = createSocketListeners(
    () => this.services!,
    () => this.messageParser,
  );
  /** The application's parser; `undefined` keeps the built-in JSON frame parser (the fast path). */
  private messageParser: RealtimeMessageParser | undefined;

  /**
   * @param app the application whose HTTP server (and port) the WebSocket endpoints share.
   * @param options `messageParser`: see {@link RealtimeWsAdapterOptions}.
   */
  constructor(
    private readonly app: INestApplication,
    options: RealtimeWsAdapterOptions = {},
  ) {
    this.httpServer = app.getHttpServer() as Server;
    this.messageParser = options.messageParser;
  }

  /**
   * Replaces the parser of inbound messages, from the next message on, on every connection (as
   * `@nestjs/platform-ws`'s `WsAdapter.setMessageParser`); `undefined` restores the built-in JSON
   * frame parser. See {@link RealtimeMessageParser}.
   */
  setMessageParser(parser: RealtimeMessageParser | undefined): void {
    this.messageParser = parser;
  }

  create(port: number, options: Record<string, unknown> = {}): WebSocketServer {
    const services = this.resolveServices();
    const path = typeof options.path === 'string' ? options.path : services.options.path;
    const gateways = findGatewayClasses(services.discovery, port, options);
    if (gateways.length !== 1) {
      throw new Error(
        gateways.length === 0
          ? messages.gatewayNotFound(path, port)
          : messages.duplicateGateway(
              path,
              port,
              gateways.map((gateway) => gateway.name),
            ),
      );
    }
    const gateway = gateways[0];
    const taken = this.hosts.get(port)?.endpoints.get(path);
    if (taken !== undefined) {
      throw new Error(messages.duplicateGateway(path, port, [taken.gateway.name, gateway.name]));
    }
    const wireFormat = options.wireFormat ?? services.options.wireFormat;
    if (!isWireFormat(wireFormat)) {
      throw new Error(messages.gatewayWireFormat(gateway.name, wireFormat));
    }
    assertNoReservedTypes(gateway, services.options.builtInMessages);
    const declared = Reflect.getMetadata(HANDSHAKE_GUARDS_METADATA, gateway) as
      unknown[] | undefined;
    const guarded = declared !== undefined && declared.length > 0;
    if (
      !guarded &&
      Reflect.getMetadata(PUBLIC_GATEWAY_METADATA, gateway) !== true &&
      !services.options.publicGateways
    ) {
      throw new Error(messages.missingHandshakeGuards(gateway.name));
    }

    const compression = services.options.compression;
    const server = new WebSocketServer({
      noServer: true,
      maxPayload: services.options.maxPayloadBytes,
      perMessageDeflate: compression === false ? false : { threshold: compression.thresholdBytes },
    });
    const guardsReady: Promise<HandshakeGuardChain> | null = guarded
      ? services.authenticator
          .resolve(gateway)
          .then((chain): HandshakeGuardChain => (endpoint.guards = chain!))
      : null;
    const endpoint = new GatewayEndpoint(path, server, gateway, wireFormat === 'nest', guardsReady);
    // Failures surface on each upgrade (as 500, logged); this only keeps the rejection handled.
    guardsReady?.catch((error: unknown) =>
      this.logger.error(
        messages.handshakeGuardFailed(),
        error instanceof Error ? error.stack : String(error),
      ),
    );
    // Last: a gateway refused above leaves no server of its own listening.
    this.hostFor(port).endpoints.set(path, endpoint);
    return server;
  }

  bindClientConnect(
    server: WebSocketServer,
    callback: (socket: WebSocket, request: IncomingMessage) => void,
  ): void {
    const { endpoint, host } = this.endpointOf(server);
    if (endpoint.onConnection !== undefined) {
      throw new Error(messages.duplicateGateway(endpoint.path, host.port, [endpoint.gateway.name]));
    }
    endpoint.onConnection = callback;
  }

  bindClientDisconnect(socket: WebSocket, callback: () => void): void {
    socket.on('close', callback);
  }

  bindMessageHandlers(socket: WebSocket, handlers: MessageMappingProperties[]): void {
    const connection = RealtimeConnection.of(socket);
    const endpoint = connection?.endpoint;
    if (connection === undefined || endpoint === undefined) return;
    connection.handlers = handlers;
    endpoint.handlerIndex ??= new Map(
      handlers.map((handler, index) => [String(handler.message), index]),
    );
    socket.on('message', this.socketListeners.message);
  }

  async close(server: WebSocketServer): Promise<void> {
    const { endpoint, host } = this.endpointOf(server);
    // Graceful closes happened before (RealtimeLifecycle); what is left, including sockets that
    // were already closing (slow consumers, expired credentials), is cut now so that the HTTP
    // server's close does not wait on them.
    for (const socket of server.clients) {
      const connection = RealtimeConnection.of(socket);
      if (connection !== undefined) this.services!.registry.remove(connection);
      socket.terminate();
    }
    host.endpoints.delete(endpoint.path);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    if (host.endpoints.size === 0) await this.release(host);
  }

  async dispose(): Promise<void> {
    await Promise.all([...this.hosts.values()].map((host) => this.release(host)));
  }

  /** The server upgrades on `port` come from; a port of its own gets a server created for it. */
  private hostFor(port: number): UpgradeHost {
    const existing = this.hosts.get(port);
    if (existing !== undefined) return existing;
    const owned = port !== 0;
    const server = owned ? createServer(answerUpgradeRequired) : this.httpServer;
    const host: UpgradeHost = new UpgradeHost(server, port, owned, (request, socket, head) =>
      this.handleUpgrade(host, request, socket, head),
    );
    server.on('upgrade', host.onUpgrade);
    if (owned) {
      server.on('error', (error: Error) => {
        // As with ws's own `port` option: a gateway that cannot listen fails the process.
        throw new Error(messages.gatewayPortFailed(port, error.message));
      });
      server.listen(port);
    }
    this.hosts.set(port, host);
    return host;
  }

  /** Stops taking upgrades from a host, and closes the server if the adapter created it. */
  private async release(host: UpgradeHost): Promise<void> {
    if (this.hosts.get(host.port) !== host) return;
    this.hosts.delete(host.port);
    host.server.removeListener('upgrade', host.onUpgrade);
    if (!host.owned) return;
    host.server.closeAllConnections();
    await new Promise<void>((resolve) => host.server.close(() => resolve()));
  }

  /**
   * Answers an upgrade request with an HTTP error, counted by status and logged (info) with the
   * path and `Origin` only: the query string and headers may hold the credential.
   */
  private refuse(
    request: IncomingMessage,
    socket: Duplex,
    status: number,
    reason: HandshakeRefusalReason,
  ): void {
    this.services!.metrics.handshake(status);
    this.logger.log(
      messages.handshakeRefused(status, reason, pathOf(request.url), request.headers.origin),
    );
    rejectHandshake(socket, status);
  }

  private handleUpgrade(
    host: UpgradeHost,
    request: IncomingMessage,
    socket: Duplex,
    head: Buffer,
  ): void {
    // A client that resets mid-handshake must not take the process down.
    socket.on('error', ignoreSocketError);
    const services = this.services!;
    const endpoint = host.endpoints.get(pathOf(request.url));
    if (endpoint === undefined) {
      // Another library may serve this path on the application's server; answer only if nobody
      // else can.
      if (host.owned || host.server.listenerCount('upgrade') === 1)
        this.refuse(request, socket, HttpStatus.NOT_FOUND, 'no gateway on this path');
      return;
    }
    if (services.lifecycle.isDraining) {
      return this.refuse(request, socket, HttpStatus.SERVICE_UNAVAILABLE, 'shutting down');
    }
    if (!isOriginAllowed(request.headers.origin, services.options.allowedOrigins)) {
      return this.refuse(request, socket, HttpStatus.FORBIDDEN, 'origin not allowed');
    }
    // Checked before the guards: cheap, needs no principal, and a refusal spends no ticket.
    const cursor = readResumeCursor(request.url);
    if (cursor === null || (cursor !== undefined && !services.delivery.enabled)) {
      return this.refuse(request, socket, HttpStatus.BAD_REQUEST, 'invalid resume cursor');
    }
    const { guards, guardsReady } = endpoint;
    if (guardsReady === null) {
      return this.upgrade(endpoint, request, socket, head, anonymousPrincipal());
    }
    // Only now may the guards read credentials from the query string.
    markWebSocketUpgrade(request);
    const authenticating =
      guards !== undefined
        ? services.authenticator.authenticate(request, guards)
        : guardsReady.then((chain) => services.authenticator.authenticate(request, chain));
    authenticating.then(
      (principal) => this.upgrade(endpoint, request, socket, head, principal),
      (error: unknown) => {
        if (!(error instanceof HandshakeRejection)) {
          this.logger.error(
            messages.handshakeGuardFailed(),
            error instanceof Error ? error.stack : String(error),
          );
        }
        if (error instanceof HandshakeRejection) {
          this.refuse(request, socket, error.status, 'refused by the handshake guards');
        } else {
          this.refuse(request, socket, HttpStatus.INTERNAL_SERVER_ERROR, 'handshake guard failed');
        }
      },
    );
  }

  private upgrade(
    endpoint: GatewayEndpoint,
    request: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    principal: RealtimePrincipal,
  ): void {
    const { registry, lifecycle, options, tickets, presence } = this.services!;
    if (socket.destroyed) return;
    if (lifecycle.isDraining) {
      return this.refuse(request, socket, HttpStatus.SERVICE_UNAVAILABLE, 'shutting down');
    }
    const { userId } = principal;
    // Handshakes still claiming their place or taking their ticket hold a place under the cap,
    // and the check and the registration otherwise run in one synchronous stretch (ws completes
    // the upgrade synchronously), so concurrent handshakes of one user cannot both slip under it.
    const pending = this.pendingHandshakes.get(userId) ?? 0;
    if (registry.connectionsOf(userId).size + pending >= options.maxConnectionsPerUser) {
      return this.refuse(request, socket, HttpStatus.TOO_MANY_REQUESTS, 'connection cap reached');
    }
    // With a presence store the cap also holds cluster-wide: one atomic check-and-count there.
    const claiming = presence.claim(userId, options.maxConnectionsPerUser);
    if (claiming !== undefined) {
      return this.admitLater(endpoint, request, socket, head, principal, claiming, () =>
        tickets.takeDeferred(request),
      );
    }
    // A one-time ticket is spent last, so that a handshake refused above keeps it for a retry.
    const taking = tickets.takeDeferred(request);
    if (taking === undefined) {
      return this.completeUpgrade(endpoint, request, socket, head, principal, false);
    }
    this.admitLater(endpoint, request, socket, head, principal, undefined, () => taking);
  }

  /**
   * The rest of a handshake that waits: for its claim under the cluster-wide cap (429 if
   * refused), then for its ticket (401 if a concurrent handshake spent it), holding a place
   * under the local cap meanwhile. A claim granted to a handshake that then fails is given back.
   */
  private admitLater(
    endpoint: GatewayEndpoint,
    request: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    principal: RealtimePrincipal,
    claiming: Promise<boolean> | undefined,
    takeTicket: () => Promise<boolean> | undefined,
  ): void {
    const { lifecycle, presence } = this.services!;
    const { userId } = principal;
    let claimed = false;
    const refusal = async (): Promise<
      { status: number; reason: HandshakeRefusalReason } | undefined
    > => {
      if (claiming !== undefined) {
        claimed = await claiming;
        if (!claimed) {
          return { status: HttpStatus.TOO_MANY_REQUESTS, reason: 'connection cap reached' };
        }
      }
      const taking = takeTicket();
      if (taking !== undefined && !(await taking)) {
        return { status: HttpStatus.UNAUTHORIZED, reason: 'ticket already used' };
      }
      return lifecycle.isDraining
        ? { status: HttpStatus.SERVICE_UNAVAILABLE, reason: 'shutting down' }
        : undefined;
    };
    this.holdPlace(userId, 1);
    refusal().then(
      (refused) => {
        this.holdPlace(userId, -1);
        if (refused === undefined && !socket.destroyed) {
          return this.completeUpgrade(endpoint, request, socket, head, principal, claimed);
        }
        if (claimed) presence.releaseClaim(userId);
        if (refused !== undefined) this.refuse(request, socket, refused.status, refused.reason);
      },
      (error: unknown) => {
        this.holdPlace(userId, -1);
        if (claimed) presence.releaseClaim(userId);
        this.logger.error(
          messages.handshakeGuardFailed(),
          error instanceof Error ? error.stack : String(error),
        );
        this.refuse(request, socket, HttpStatus.INTERNAL_SERVER_ERROR, 'handshake failed');
      },
    );
  }

  private completeUpgrade(
    endpoint: GatewayEndpoint,
    request: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    principal: RealtimePrincipal,
    claimed: boolean,
  ): void {
    let accepted = false;
    endpoint.server.handleUpgrade(request, socket, head, (ws) => {
      accepted = true;
      this.services!.metrics.handshake(HttpStatus.SWITCHING_PROTOCOLS);
      this.accept(endpoint, ws, request, principal);
    });
    // ws completes or aborts the upgrade synchronously: an aborted one gives its claim back.
    if (!accepted && claimed) this.services!.presence.releaseClaim(principal.userId);
  }

  private holdPlace(userId: string, delta: number): void {
    const pending = (this.pendingHandshakes.get(userId) ?? 0) + delta;
    if (pending === 0) this.pendingHandshakes.delete(userId);
    else this.pendingHandshakes.set(userId, pending);
  }

  private accept(
    endpoint: GatewayEndpoint,
    socket: WebSocket,
    request: IncomingMessage,
    principal: RealtimePrincipal,
  ): void {
    const { registry, sender, expiry, options } = this.services!;
    const connection = new RealtimeConnection(
      randomUUID(),
      principal,
      socket,
      options.rateLimit.burst,
    );
    connection.endpoint = endpoint;
    connection.nestFrames = endpoint.nestFrames;
    socket.on('pong', markAlive);
    socket.on('error', logSocketError);
    socket.on('close', this.socketListeners.close);
    socket.on('exception', this.socketListeners.exception);
    registry.add(connection);
    // Clients of the 'nest' format expect no frame they did not ask for.
    if (!endpoint.nestFrames) {
      const connected: ConnectedFrameData = {
        connectionId: connection.id,
        userId: connection.userId,
        heartbeatIntervalMs: options.heartbeatIntervalMs,
      };
      sender.sendPrepared(
        connection,
        PreparedFrame.fromJson(encodeFrame({ type: 'connected', data: connected })),
      );
    }
    expiry.track(connection);
    if (this.services!.delivery.enabled) {
      this.resumeAtHandshake(connection, readResumeCursor(request.url) ?? undefined);
    }
    try {
      endpoint.onConnection?.(socket, request);
    } catch (error) {
      this.logger.error(
        messages.internalError(),
        error instanceof Error ? error.stack : String(error),
      );
    }
  }

  /**
   * Puts a new connection on the durable stream: replays what it missed after `?lastSeq=` (or
   * sends `resync`, for a cursor of another `?epoch=` or one the log cannot continue from), or
   * starts it at the head of the log, then sends one `resume` frame saying where it stands. A
   * failure is an `error` frame, not a close.
   */
  private resumeAtHandshake(
    connection: RealtimeConnection,
    cursor: ResumeCursor | undefined,
  ): void {
    const { delivery, sender } = this.services!;
    const started =
      cursor === undefined
        ? delivery.startAtHead(connection)
        : delivery.resume(connection, cursor.lastSeq, cursor.epoch);
    started.then(
      (reply) => sender.send(connection, encodeFrame({ type: 'resume', data: reply })),
      (error: unknown) => {
        if (!(error instanceof RealtimeException)) {
          this.logger.error(
            messages.internalError(),
            error instanceof Error ? error.stack : String(error),
          );
        }
        sender.sendError(connection, toErrorFrameData(error), undefined, { pattern: 'resume' });
      },
    );
  }

  private endpointOf(server: WebSocketServer): { endpoint: GatewayEndpoint; host: UpgradeHost } {
    for (const host of this.hosts.values()) {
      for (const endpoint of host.endpoints.values()) {
        if (endpoint.server === server) return { endpoint, host };
      }
    }
    throw new Error(messages.unknownServer());
  }

  private resolveServices(): AdapterServices {
    if (this.services !== undefined) return this.services;
    try {
      const get = <T>(token: Type<T> | symbol): T => this.app.get<T>(token, { strict: false });
      this.services = {
        options: get<ResolvedRealtimeOptions>(REALTIME_OPTIONS),
        registry: get(ConnectionRegistry),
        authenticator: get(HandshakeAuthenticator),
        dispatcher: get(MessageDispatcher),
        sender: get(ConnectionSender),
        expiry: get(CredentialExpiryService),
        lifecycle: get(RealtimeLifecycle),
        delivery: get(DurableDelivery),
        tickets: get(WsTicketService),
        presence: get(PresenceTracker),
        discovery: get(DiscoveryService),
        metrics: get(RealtimeMetrics),
      };
    } catch {
      throw new Error(messages.moduleNotImported());
    }
    return this.services;
  }
}

const socketLogger = new Logger('RealtimeWsAdapter');

/** Listeners ws calls with the socket as `this`. */
interface SocketListeners {
  readonly message: (this: WebSocket, data: RawData, isBinary: boolean) => void;
  readonly close: (this: WebSocket, code: number) => void;
  readonly exception: (this: WebSocket, payload: unknown) => void;
}

/** The adapter's per-socket listeners, created once per adapter. */
function createSocketListeners(
  services: () => AdapterServices,
  parser: () => RealtimeMessageParser | undefined,
): SocketListeners {
  return {
    message: function (this: WebSocket, data: RawData, isBinary: boolean): void {
      const connection = RealtimeConnection.of(this);
      if (connection?.endpoint === undefined) return;
      // With application heartbeats on, any frame (a `pong` or not) shows the peer is alive, as
      // a protocol pong does.
      if (services().options.heartbeatFrames) connection.alive = true;
      try {
        services().dispatcher.dispatch(connection, connection.endpoint, data, isBinary, parser());
      } catch (error) {
        // The dispatcher answers every input itself; reaching here is a bug of ours, so the
        // connection ends with 1011 rather than the process.
        socketLogger.error(
          messages.internalError(),
          error instanceof Error ? error.stack : String(error),
        );
        services().registry.remove(connection);
        this.close(RealtimeCloseCode.INTERNAL_ERROR, RealtimeCloseReason.INTERNAL);
      }
    },
    close: function (this: WebSocket, code: number): void {
      const connection = RealtimeConnection.of(this);
      if (connection === undefined) return;
      services().metrics.closed(code);
      // Normal closes (client left, shutdown, no status) and drops (1006: a phone lost its
      // network) are the bulk and stay unlogged (`closes_total` counts them): Nest's Logger
      // cannot tell whether a level is on, so even a debug line would cost a string per close.
      // The others (1008/1009/1011/1013, 4xxx: the server's policy) are what an operator looks for.
      if (!NORMAL_CLOSE_CODES.has(code)) {
        socketLogger.log(messages.connectionClosed(code, connection.id, connection.userId));
      }
      services().registry.remove(connection);
      services().expiry.untrack(connection);
      if (connection.streams !== undefined) {
        for (const subscription of connection.streams) subscription.unsubscribe();
        connection.streams = undefined;
      }
    },
    // Nest's exception filters (its default one, and yours built on BaseWsExceptionFilter) call
    // `client.emit('exception', payload)`, which on a `ws` socket reaches no one: send it.
    exception: function (this: WebSocket, payload: unknown): void {
      const connection = RealtimeConnection.of(this);
      if (connection === undefined) return;
      services().sender.send(connection, encodeFrame({ type: 'exception', data: payload }));
    },
  };
}

function markAlive(this: WebSocket): void {
  const connection = RealtimeConnection.of(this);
  if (connection !== undefined) connection.alive = true;
}

/** ws reports protocol errors (bad frames, oversized payloads) here and then closes the socket itself. */
function logSocketError(this: WebSocket, error: Error & { code?: string }): void {
  socketLogger.debug?.(`socket error ${error.code ?? ''}: ${error.message}`);
}

const UPGRADE_REQUIRED = 426;

/** 1000 normal, 1001 going away, 1005 no status, 1006 dropped: closes not worth a log line each. */
const NORMAL_CLOSE_CODES: ReadonlySet<number> = new Set([1000, 1001, 1005, 1006]);

/** A connection to a public gateway without guards: a user of its own. */
function anonymousPrincipal(): RealtimePrincipal {
  return { userId: `anonymous:${randomUUID()}`, user: undefined };
}

/** Plain HTTP requests to a gateway's own port: it speaks WebSocket only. */
function answerUpgradeRequired(_request: IncomingMessage, response: ServerResponse): void {
  response.writeHead(UPGRADE_REQUIRED, { Upgrade: 'websocket', Connection: 'Upgrade' });
  response.end(STATUS_CODES[UPGRADE_REQUIRED]);
}

function ignoreSocketError(): void {
  // Handshake sockets that error are destroyed by Node; there is nothing to answer.
}

/** Refuses a gateway that subscribes to a built-in message type the module handles (one on). */
function assertNoReservedTypes(gateway: Type, builtIns: ReadonlySet<string>): void {
  const prototype = gateway.prototype as Record<string, unknown>;
  for (const name of Object.getOwnPropertyNames(prototype)) {
    const method = prototype[name];
    if (typeof method !== 'function') continue;
    const type: unknown = Reflect.getMetadata(MESSAGE_METADATA, method);
    if (typeof type === 'string' && builtIns.has(type)) {
      throw new Error(messages.reservedMessageType(gateway.name, type));
    }
  }
}

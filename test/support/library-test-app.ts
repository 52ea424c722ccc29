import {
  Injectable,
  Module,
  UnauthorizedException,
  UseGuards,
  type CanActivate,
  type ExecutionContext,
  type INestApplication,
  type LoggerService,
  type Type,
} from '@nestjs/common';
import { JwtModule, JwtService } from '@nestjs/jwt';
import { Test } from '@nestjs/testing';
import { MessageBody, SubscribeMessage } from '@nestjs/websockets';
import { IsInt, IsOptional, IsString, MaxLength, Min } from 'class-validator';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  BINARY_MESSAGE_TYPE,
  CurrentConnection,
  HandshakeGuards,
  RealtimeConnection,
  RealtimeException,
  RealtimeErrorCode,
  RealtimeGateway,
  RealtimeModule,
  RealtimePublisher,
  RealtimeWsAdapter,
  readHandshakeCredential,
  type RealtimeModuleOptions,
  type RealtimeWsAdapterOptions,
} from '@nest-realtime/core';

export const TEST_SECRET = 'library-test-secret-that-is-long-enough';

/** Verifies an HS256 JWT from the upgrade request, the way an application's guard would. */
@Injectable()
export class TestJwtGuard implements CanActivate {
  constructor(private readonly jwt: JwtService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<IncomingMessage & { user?: unknown }>();
    const credential = readHandshakeCredential(request);
    if (credential === undefined) throw new UnauthorizedException();
    try {
      request.user = await this.jwt.verifyAsync(credential.value, { algorithms: ['HS256'] });
    } catch {
      throw new UnauthorizedException();
    }
    return true;
  }
}

class DenyGuard implements CanActivate {
  canActivate(): boolean {
    return false;
  }
}

export class EchoDto {
  @IsString()
  @MaxLength(100)
  text!: string;

  @IsOptional()
  @IsInt()
  @Min(0)
  count?: number;
}

@RealtimeGateway()
@HandshakeGuards(TestJwtGuard)
export class TestGateway {
  @SubscribeMessage('echo')
  echo(@MessageBody() body: EchoDto): EchoDto {
    return body;
  }

  @SubscribeMessage('boom')
  boom(): never {
    throw new Error('secret internal detail');
  }

  @SubscribeMessage('not-found')
  notFound(): never {
    throw new RealtimeException(RealtimeErrorCode.NOT_FOUND, 'No such thing.');
  }

  @UseGuards(DenyGuard)
  @SubscribeMessage('guarded')
  guarded(): string {
    return 'never';
  }

  @SubscribeMessage('whoami')
  whoami(@CurrentConnection() connection: RealtimeConnection): {
    userId: string;
    connectionId: string;
  } {
    return { userId: connection.userId, connectionId: connection.id };
  }

  constructor(private readonly publisher: RealtimePublisher) {}

  @SubscribeMessage(BINARY_MESSAGE_TYPE)
  binary(@MessageBody() data: Buffer, @CurrentConnection() connection: RealtimeConnection): void {
    // Binary frames carry no id, so the handler answers with a push of its own.
    this.publisher.toConnection(connection.id, 'binary-received', { bytes: data.length });
  }
}

/** A running application with the realtime module and a test gateway. */
export interface LibraryTestApp {
  app: INestApplication;
  adapter: RealtimeWsAdapter;
  url: string;
  httpUrl: string;
  token(userId: string, expiresInSeconds?: number): string;
  close(): Promise<void>;
}

/**
 * Starts a Nest app on port 0 with `RealtimeModule.forRoot(options)` and {@link TestGateway},
 * served by `new RealtimeWsAdapter(app, adapterOptions)`.
 */
export async function startLibraryTestApp(
  options: RealtimeModuleOptions = {},
  adapterOptions?: RealtimeWsAdapterOptions,
  logger?: LoggerService,
): Promise<LibraryTestApp> {
  @Module({
    imports: [
      JwtModule.register({ secret: TEST_SECRET, signOptions: { algorithm: 'HS256' } }),
      RealtimeModule.forRoot(options),
    ],
    providers: [TestJwtGuard, TestGateway],
  })
  class LibraryTestModule {}

  const moduleRef = await Test.createTestingModule({ imports: [LibraryTestModule] }).compile();
  const app = moduleRef.createNestApplication({ logger: logger ?? ['error', 'warn'] });
  const adapter = new RealtimeWsAdapter(app, adapterOptions);
  app.useWebSocketAdapter(adapter);
  await app.listen(0, '127.0.0.1');
  const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
  const jwt = app.get(JwtService);
  let closed = false;
  return {
    app,
    adapter,
    url: `ws://127.0.0.1:${port}${options.path ?? '/ws'}`,
    httpUrl: `http://127.0.0.1:${port}`,
    token: (userId, expiresInSeconds = 3600) =>
      jwt.sign({ sub: userId }, { expiresIn: expiresInSeconds }),
    close: async () => {
      if (closed) return;
      closed = true;
      await app.close();
    },
  };
}

/** Authorization header for a token. */
export function bearer(token: string): { headers: { authorization: string } } {
  return { headers: { authorization: `Bearer ${token}` } };
}

/**
 * Starts a Nest app on port 0 with `RealtimeModule.forRoot(options)` and the given gateways
 * (guarded by {@link TestJwtGuard}), for tests of gateways other than {@link TestGateway}.
 */
export async function startGatewayApp(
  gateways: Type[],
  options: RealtimeModuleOptions = {},
): Promise<{ app: INestApplication; url: string; token: (userId: string) => string }> {
  @Module({
    imports: [JwtModule.register({ secret: TEST_SECRET }), RealtimeModule.forRoot(options)],
    providers: [TestJwtGuard, ...gateways],
  })
  class GatewayTestModule {}
  const moduleRef = await Test.createTestingModule({ imports: [GatewayTestModule] }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  app.useWebSocketAdapter(new RealtimeWsAdapter(app));
  try {
    await app.listen(0, '127.0.0.1');
  } catch (error) {
    await app.close();
    throw error;
  }
  const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
  const jwt = app.get(JwtService);
  return {
    app,
    url: `ws://127.0.0.1:${port}${options.path ?? '/ws'}`,
    token: (userId) => jwt.sign({ sub: userId }),
  };
}

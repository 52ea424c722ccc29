import {
  Injectable,
  Module,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { JwtModule, JwtService } from '@nestjs/jwt';
import { NestFactory } from '@nestjs/core';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ConnectionRegistry,
  HandshakeGuards,
  RealtimeGateway,
  RealtimeModule,
  RealtimePublisher,
  RealtimeWsAdapter,
  readHandshakeCredential,
} from '@app/realtime';
import { BENCH_KEY, PUSH_TYPE } from '../lib/payload';
import type { BenchServer } from './bench-server.interface';

/** The guard a user would write: a bearer JWT verified with @nestjs/jwt, HS256 only. */
@Injectable()
class BenchJwtGuard implements CanActivate {
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

@RealtimeGateway()
@HandshakeGuards(BenchJwtGuard)
class BenchGateway {}

@Module({
  imports: [
    JwtModule.register({ secret: BENCH_KEY }),
    RealtimeModule.forRoot({
      maxConnectionsPerUser: 1_000_000,
      maxBufferedBytes: 64 * 1024 * 1024,
    }),
  ],
  providers: [BenchJwtGuard, BenchGateway],
})
class BenchModule {}

/** A minimal Nest app using RealtimeModule the way users will run it. */
export async function startOursServer(): Promise<BenchServer> {
  const app = await NestFactory.create(BenchModule, { logger: ['error', 'warn'] });
  app.useWebSocketAdapter(new RealtimeWsAdapter(app));
  await app.listen(0, '127.0.0.1');
  const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
  const publisher = app.get(RealtimePublisher);
  const registry = app.get(ConnectionRegistry);
  return {
    url: `ws://127.0.0.1:${port}/ws`,
    broadcast: (data) => publisher.toAll(PUSH_TYPE, data),
    toUser: (userId, data) => publisher.toUser(userId, PUSH_TYPE, data),
    connections: () => registry.size,
    close: () => app.close(),
  };
}

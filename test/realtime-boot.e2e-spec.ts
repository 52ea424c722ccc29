import {
  Injectable,
  Module,
  type CanActivate,
  type INestApplication,
  type Type,
} from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import {
  HandshakeGuards,
  PublicGateway,
  RealtimeGateway,
  RealtimeModule,
  RealtimeOptionsError,
  RealtimeWsAdapter,
  type RealtimeModuleOptions,
} from '@nest-realtime/core';
import * as messages from '../libs/realtime/src/realtime.messages';

@Injectable()
class AllowGuard implements CanActivate {
  canActivate(): boolean {
    return true;
  }
}

async function boot(
  gateways: Type[],
  options: RealtimeModuleOptions = {},
  withModule = true,
): Promise<INestApplication> {
  @Module({
    imports: withModule ? [RealtimeModule.forRoot(options)] : [],
    providers: [AllowGuard, ...gateways],
  })
  class BootModule {}
  const moduleRef = await Test.createTestingModule({ imports: [BootModule] }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  app.useWebSocketAdapter(new RealtimeWsAdapter(app));
  try {
    await app.init();
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
  return app;
}

describe('Boot-time checks (library)', () => {
  it('refuses invalid options with one error naming every bad field', async () => {
    @RealtimeGateway()
    @HandshakeGuards(AllowGuard)
    class Gateway {}
    const attempt = boot([Gateway], { maxPayloadBytes: -1, path: 'x' });
    await expect(attempt).rejects.toThrow(RealtimeOptionsError);
    await expect(boot([Gateway], { maxPayloadBytes: -1, path: 'x' })).rejects.toThrow(
      messages.invalidOptions([
        messages.pathMustStartWithSlash('x'),
        messages.optionMustBePositiveInteger('maxPayloadBytes', -1),
      ]),
    );
  });

  it('refuses a plain @WebSocketGateway without handshake guards, naming both ways to open it', async () => {
    @WebSocketGateway()
    class PlainGateway {}
    const attempt = boot([PlainGateway]);
    await expect(attempt).rejects.toThrow(messages.missingHandshakeGuards('PlainGateway'));
    await expect(boot([PlainGateway])).rejects.toThrow(/@PublicGateway\(\).*publicGateways: true/);
  });

  it('boots a plain @WebSocketGateway that has guards, or is public by marker or by option', async () => {
    @WebSocketGateway()
    @HandshakeGuards(AllowGuard)
    class Guarded {}
    @WebSocketGateway({ path: '/open' })
    @PublicGateway()
    class Marked {}
    @WebSocketGateway({ path: '/any' })
    class Unmarked {}
    await (await boot([Guarded, Marked])).close();
    await (await boot([Unmarked], { publicGateways: true })).close();
  });

  it('refuses a wire format that does not exist, in the options or on a gateway', async () => {
    @WebSocketGateway({ wireFormat: 'socket.io' })
    @PublicGateway()
    class Odd {}
    await expect(boot([Odd])).rejects.toThrow(messages.gatewayWireFormat('Odd', 'socket.io'));
    await expect(boot([], { wireFormat: 'json' as never })).rejects.toThrow(
      messages.optionMustBeWireFormat('wireFormat', 'json'),
    );
  });

  it('refuses a gateway without handshake guards', async () => {
    @RealtimeGateway()
    class OpenGateway {}
    await expect(boot([OpenGateway])).rejects.toThrow(
      messages.missingHandshakeGuards('OpenGateway'),
    );
  });

  it('refuses a handler for a reserved message type', async () => {
    @RealtimeGateway()
    @HandshakeGuards(AllowGuard)
    class JoinGateway {
      @SubscribeMessage('join')
      join(): void {}
    }
    await expect(boot([JoinGateway])).rejects.toThrow(
      messages.reservedMessageType('JoinGateway', 'join'),
    );
  });

  it('refuses a handler for pong, the answer to the application heartbeat', async () => {
    @RealtimeGateway()
    @HandshakeGuards(AllowGuard)
    class PongGateway {
      @SubscribeMessage('pong')
      pong(): void {}
    }
    await expect(boot([PongGateway])).rejects.toThrow(
      messages.reservedMessageType('PongGateway', 'pong'),
    );
  });

  it('refuses two gateways on one path', async () => {
    @RealtimeGateway()
    @HandshakeGuards(AllowGuard)
    class First {}
    @RealtimeGateway({ path: '/ws' })
    @HandshakeGuards(AllowGuard)
    class Second {}
    await expect(boot([First, Second])).rejects.toThrow(
      messages.duplicateGateway('/ws', 0, ['First', 'Second']),
    );
  });

  it('refuses two gateways on one port and path, which Nest would give one server', async () => {
    @WebSocketGateway({ path: '/same' })
    @PublicGateway()
    class Left {}
    @WebSocketGateway({ path: '/same' })
    @PublicGateway()
    class Right {}
    await expect(boot([Left, Right])).rejects.toThrow(
      messages.duplicateGateway('/same', 0, ['Left', 'Right']),
    );
  });

  it('says when RealtimeModule is missing', async () => {
    @RealtimeGateway()
    @HandshakeGuards(AllowGuard)
    class Gateway {}
    await expect(boot([Gateway], {}, false)).rejects.toThrow(messages.moduleNotImported());
  });

  it('boots two gateways on two paths', async () => {
    @RealtimeGateway({ path: '/a' })
    @HandshakeGuards(AllowGuard)
    class A {}
    @RealtimeGateway({ path: '/b' })
    @HandshakeGuards(AllowGuard)
    class B {}
    const app = await boot([A, B]);
    await app.close();
  });
});

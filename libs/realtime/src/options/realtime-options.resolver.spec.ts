import type { DeliveryLogStore } from '../durable/delivery-log.store';
import * as messages from '../realtime.messages';
import {
  defaultPrincipalResolver,
  RealtimeOptionsError,
  resolveRealtimeOptions,
} from './realtime-options.resolver';

describe('resolveRealtimeOptions', () => {
  it('fills every default', () => {
    const options = resolveRealtimeOptions();
    expect(options).toMatchObject({
      path: '/ws',
      maxPayloadBytes: 65536,
      heartbeatIntervalMs: 30000,
      heartbeatFrames: false,
      rateLimit: { messagesPerSecond: 20, burst: 40, maxViolations: 10 },
      maxConnectionsPerUser: 10,
      maxRoomsPerConnection: 100,
      maxBufferedBytes: 1048576,
      maxEntryDataBytes: 65536,
      compression: false,
      ticketTtlMs: 30000,
      shutdownTimeoutMs: 5000,
    });
    expect(options.allowedOrigins.size).toBe(0);
  });

  it('keeps what is given and fills compression defaults', () => {
    const options = resolveRealtimeOptions({
      path: '/live',
      allowedOrigins: ['https://a.example', 'http://localhost:3000'],
      compression: {},
      rateLimit: { burst: 5 },
    });
    expect(options.path).toBe('/live');
    expect([...options.allowedOrigins]).toEqual(['https://a.example', 'http://localhost:3000']);
    expect(options.compression).toEqual({ thresholdBytes: 1024 });
    expect(options.rateLimit).toEqual({ messagesPerSecond: 20, burst: 5, maxViolations: 10 });
  });

  it('turns application heartbeat frames on only when asked', () => {
    expect(resolveRealtimeOptions({ heartbeatFrames: true }).heartbeatFrames).toBe(true);
    expect(resolveRealtimeOptions({ heartbeatFrames: false }).heartbeatFrames).toBe(false);
  });

  it('leaves every built-in message on unless switched off', () => {
    expect([...resolveRealtimeOptions().builtInMessages]).toEqual([
      'ping',
      'pong',
      'join',
      'leave',
      'ack',
      'resume',
    ]);
    const off = resolveRealtimeOptions({
      builtInMessages: { join: false, leave: false, ping: true },
    });
    expect([...off.builtInMessages]).toEqual(['ping', 'pong', 'ack', 'resume']);
  });

  it('keeps ack and resume on while there is a delivery log, and refuses unknown built-ins', () => {
    const deliveryLog = {} as DeliveryLogStore;
    const attempt = (): unknown =>
      resolveRealtimeOptions({
        deliveryLog,
        builtInMessages: { ack: false, resume: false, subscribe: false } as never,
      });
    expect(attempt).toThrow(RealtimeOptionsError);
    try {
      attempt();
    } catch (error) {
      expect((error as RealtimeOptionsError).problems).toEqual([
        messages.builtInNeededByDeliveryLog('ack'),
        messages.builtInNeededByDeliveryLog('resume'),
        messages.unknownBuiltInMessage('subscribe'),
      ]);
    }
    expect([
      ...resolveRealtimeOptions({ builtInMessages: { ack: false } }).builtInMessages,
    ]).not.toContain('ack');
  });

  it('names every bad field in one error', () => {
    const attempt = (): unknown =>
      resolveRealtimeOptions({
        path: 'ws',
        allowedOrigins: ['https://a.example/path'],
        maxPayloadBytes: 0,
        heartbeatIntervalMs: 1.5,
        heartbeatFrames: 'true' as never,
        rateLimit: { messagesPerSecond: -1 },
        maxRoomsPerConnection: 0,
        compression: { thresholdBytes: -1 },
        authorizeRoom: 'yes' as never,
      });
    expect(attempt).toThrow(RealtimeOptionsError);
    try {
      attempt();
    } catch (error) {
      expect((error as RealtimeOptionsError).problems).toEqual([
        messages.pathMustStartWithSlash('ws'),
        messages.originMustBeExact('https://a.example/path'),
        messages.optionMustBePositiveInteger('maxPayloadBytes', 0),
        messages.optionMustBePositiveInteger('heartbeatIntervalMs', 1.5),
        messages.optionMustBeBoolean('heartbeatFrames', 'true'),
        messages.optionMustBePositiveInteger('rateLimit.messagesPerSecond', -1),
        messages.optionMustBePositiveInteger('maxRoomsPerConnection', 0),
        messages.optionMustBeNonNegativeInteger('compression.thresholdBytes', -1),
        messages.optionMustBeFunction('authorizeRoom'),
      ]);
    }
  });
});

describe('resolveRealtimeOptions: durable entries', () => {
  it('refuses a maxEntryDataBytes that is not a positive integer', () => {
    expect(() => resolveRealtimeOptions({ maxEntryDataBytes: 0 })).toThrow(
      messages.optionMustBePositiveInteger('maxEntryDataBytes', 0),
    );
    expect(resolveRealtimeOptions({ maxEntryDataBytes: 1024 }).maxEntryDataBytes).toBe(1024);
  });
});

describe('resolveRealtimeOptions: presence', () => {
  it('refreshes presence every 15 s by default (a dead instance is gone within 30 s)', () => {
    const options = resolveRealtimeOptions();
    expect(options.presence).toBeUndefined();
    expect(options.presenceRefreshMs).toBe(15_000);
    expect(resolveRealtimeOptions({ presenceRefreshMs: 500 }).presenceRefreshMs).toBe(500);
    expect(() => resolveRealtimeOptions({ presenceRefreshMs: 0 })).toThrow(
      messages.optionMustBePositiveInteger('presenceRefreshMs', 0),
    );
  });
});

describe('defaultPrincipalResolver', () => {
  const request = (user: unknown) => ({ user }) as never;

  it('reads sub and exp the way a JWT payload carries them', () => {
    expect(defaultPrincipalResolver(request({ sub: 'u1', exp: 100 }))).toEqual({
      userId: 'u1',
      expiresAt: 100_000,
      user: { sub: 'u1', exp: 100 },
    });
  });

  it('falls back to id, and to no expiry', () => {
    expect(defaultPrincipalResolver(request({ id: 7 }))).toMatchObject({
      userId: '7',
      expiresAt: undefined,
    });
  });

  it('refuses a user without an id', () => {
    expect(() => defaultPrincipalResolver(request(undefined))).toThrow(messages.unidentifiedUser());
    expect(() => defaultPrincipalResolver(request({ name: 'x' }))).toThrow(
      messages.unidentifiedUser(),
    );
  });
});

import { RealtimeModule } from '@nest-realtime/core';
import { Injectable, Module, type INestApplication } from '@nestjs/common';
import { Interval, ScheduleModule, SchedulerRegistry } from '@nestjs/schedule';
import { Test } from '@nestjs/testing';

/** A host provider on the host's own scheduler. */
@Injectable()
class Ticker {
  ticks = 0;

  @Interval('host-ticker', 100)
  tick(): void {
    this.ticks += 1;
  }
}

@Module({ providers: [Ticker] })
class HostModule {}

// Fake timers: the rate is scheduler logic, and advancing the clock by exactly one second
// makes "10 ticks, not 20" an exact count. Promises and Nest's bootstrap run for real.
describe('A host app that uses @nestjs/schedule (library)', () => {
  let app: INestApplication | undefined;

  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
    jest.useRealTimers();
  });

  it('runs its @Interval at its own rate with RealtimeModule imported, and owns its scheduler alone', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        ScheduleModule.forRoot(),
        HostModule,
        RealtimeModule.forRoot({ heartbeatIntervalMs: 50 }),
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    const ticker = app.get(Ticker);

    jest.advanceTimersByTime(1000);

    expect(ticker.ticks).toBe(10);
    // The module's heartbeat, expiry and maintenance timers are its own, not the host's.
    const registry = app.get(SchedulerRegistry);
    expect(registry.getIntervals()).toEqual(['host-ticker']);
    expect(registry.getTimeouts()).toEqual([]);
  });

  it('boots without @nestjs/schedule in the app at all', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [RealtimeModule.forRoot({})],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();

    expect(() => app?.get(SchedulerRegistry)).toThrow();
  });
});

import { HttpStatus, Logger, ServiceUnavailableException } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { RealtimeLifecycle, RealtimeModule } from '@nest-realtime/core';
import type { Kysely } from 'kysely';
import { ScopedEnvironment } from '../../test/support/scoped-environment';
import { AppConfigModule } from '../config/app-config.module';
import { DATABASE } from '../database/database.constants';
import { DatabaseModule } from '../database/database.module';
import { HealthController } from './health.controller';
import { HealthModule } from './health.module';

describe('HealthController', () => {
  let env: ScopedEnvironment;
  let moduleRef: TestingModule;

  beforeEach(async () => {
    env = new ScopedEnvironment('health', (dir) => ({ JWT_SECRET: 'health-spec', DATA_DIR: dir }));
    moduleRef = await Test.createTestingModule({
      imports: [AppConfigModule, DatabaseModule, RealtimeModule.forRoot({}), HealthModule],
    }).compile();
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await moduleRef.close();
    env.restore();
  });

  it('reports ok while the database answers', async () => {
    await expect(moduleRef.get(HealthController).check()).resolves.toEqual({
      status: 'ok',
      uptimeSeconds: expect.any(Number),
      database: 'up',
    });
  });

  it('answers 503 with database down once the database is gone', async () => {
    const logError = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    await moduleRef.get<Kysely<unknown>>(DATABASE).destroy();
    const failure = await moduleRef
      .get(HealthController)
      .check()
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ServiceUnavailableException);
    const exception = failure as ServiceUnavailableException;
    expect(exception.getStatus()).toBe(HttpStatus.SERVICE_UNAVAILABLE);
    expect(exception.getResponse()).toEqual({
      status: 'unavailable',
      uptimeSeconds: expect.any(Number),
      database: 'down',
    });
    expect(logError).toHaveBeenCalledTimes(1);
  });

  it('is live and ready while serving, with the database up', async () => {
    const controller = moduleRef.get(HealthController);
    await expect(controller.live()).resolves.toEqual({
      status: 'ok',
      info: {},
      error: {},
      details: {},
    });
    await expect(controller.ready()).resolves.toEqual({
      status: 'ok',
      info: { lifecycle: { status: 'up', state: 'serving' }, database: { status: 'up' } },
      error: {},
      details: { lifecycle: { status: 'up', state: 'serving' }, database: { status: 'up' } },
    });
  });

  it('stops being ready, not live, once shutdown begins', async () => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    await moduleRef.get(RealtimeLifecycle).beforeApplicationShutdown();
    const controller = moduleRef.get(HealthController);
    const failure = await controller.ready().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ServiceUnavailableException);
    expect((failure as ServiceUnavailableException).getResponse()).toMatchObject({
      status: 'error',
      error: { lifecycle: { status: 'down', state: 'draining' } },
      info: { database: { status: 'up' } },
    });
    await expect(controller.live()).resolves.toMatchObject({ status: 'ok' });
  });

  it('is not ready while the database is down', async () => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    await moduleRef.get<Kysely<unknown>>(DATABASE).destroy();
    const failure = await moduleRef
      .get(HealthController)
      .ready()
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ServiceUnavailableException);
    expect((failure as ServiceUnavailableException).getResponse()).toMatchObject({
      status: 'error',
      error: { database: { status: 'down' } },
    });
  });
});

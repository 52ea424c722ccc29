import { HttpStatus, Logger, ServiceUnavailableException } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
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
      imports: [AppConfigModule, DatabaseModule, HealthModule],
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
});

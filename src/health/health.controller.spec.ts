import { HttpStatus, Logger, ServiceUnavailableException } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import type { Kysely } from 'kysely';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfigModule } from '../config/app-config.module';
import { DATABASE } from '../database/database.constants';
import { DatabaseModule } from '../database/database.module';
import { HealthController } from './health.controller';
import { HealthModule } from './health.module';

describe('HealthController', () => {
  let dataDir: string;
  let saved: Record<string, string | undefined>;
  let moduleRef: TestingModule;

  beforeEach(async () => {
    saved = { JWT_SECRET: process.env.JWT_SECRET, DATA_DIR: process.env.DATA_DIR };
    dataDir = mkdtempSync(join(tmpdir(), 'health-'));
    Object.assign(process.env, { JWT_SECRET: 'health-spec', DATA_DIR: dataDir });
    moduleRef = await Test.createTestingModule({
      imports: [AppConfigModule, DatabaseModule, HealthModule],
    }).compile();
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await moduleRef.close();
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    rmSync(dataDir, { recursive: true, force: true });
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

import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ScopedEnvironment } from '../../test/support/scoped-environment';
import { AppConfigModule } from './app-config.module';
import { AppConfigService } from './app-config.service';
import * as messages from './config.messages';
import { DEVELOPMENT_JWT_SECRET_FILE } from './development-jwt-secret';
import { EnvironmentValidationError } from './environment-validation.error';

const VARIABLES = ['NODE_ENV', 'JWT_SECRET', 'DATA_DIR', 'PORT', 'ADMIN_USERNAMES'] as const;

describe('AppConfigModule', () => {
  let env: ScopedEnvironment;
  let dataDir: string;

  beforeEach(() => {
    env = new ScopedEnvironment('app-config');
    dataDir = join(env.dir, 'nested', 'data');
    env.set(Object.fromEntries(VARIABLES.map((name) => [name, undefined])));
  });

  afterEach(() => {
    jest.restoreAllMocks();
    env.restore();
  });

  async function boot(variables: Record<string, string>): Promise<AppConfigService> {
    env.set(variables);
    const moduleRef = await Test.createTestingModule({ imports: [AppConfigModule] }).compile();
    const config = moduleRef.get(AppConfigService);
    await moduleRef.close();
    return config;
  }

  it('reads process.env when the application is created, not when the module is imported', async () => {
    expect((await boot({ JWT_SECRET: 'one', PORT: '4001', DATA_DIR: dataDir })).port).toBe(4001);
    const second = await boot({ JWT_SECRET: 'two', PORT: '4002', ADMIN_USERNAMES: 'root' });
    expect(second.port).toBe(4002);
    expect(second.jwtSecret).toBe('two');
    expect(second.adminUsernames).toEqual(['root']);
  });

  it('fails the boot in production without JWT_SECRET, naming it', async () => {
    const failure = boot({ NODE_ENV: 'production', DATA_DIR: dataDir });
    await expect(failure).rejects.toBeInstanceOf(EnvironmentValidationError);
    await expect(failure).rejects.toThrow(messages.jwtSecretRequired());
  });

  it('generates the development secret once, with mode 0600, and reuses it on the next boot', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const file = join(dataDir, DEVELOPMENT_JWT_SECRET_FILE);

    const first = await boot({ NODE_ENV: 'development', DATA_DIR: dataDir });
    expect(first.jwtSecret).toMatch(/^[A-Za-z0-9_-]{64}$/); // 48 bytes, base64url
    expect(readFileSync(file, 'utf8').trim()).toBe(first.jwtSecret);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const second = await boot({ NODE_ENV: 'development', DATA_DIR: dataDir });
    expect(second.jwtSecret).toBe(first.jwtSecret);

    expect(warn.mock.calls.map(([message]): unknown => message)).toEqual([
      messages.usingDevelopmentJwtSecret(file, true),
      messages.usingDevelopmentJwtSecret(file, false),
    ]);
    for (const [message] of warn.mock.calls) expect(String(message)).not.toContain(first.jwtSecret);
  });

  it('returns copies, so no consumer can change the configuration for the others', async () => {
    const config = await boot({ JWT_SECRET: 's', DATA_DIR: dataDir, ADMIN_USERNAMES: 'root' });
    config.adminUsernames.push('mallory');
    config.realtime.allowedOrigins.push('https://evil.example.com');
    expect(config.adminUsernames).toEqual(['root']);
    expect(config.realtime.allowedOrigins).toEqual([]);
  });
});

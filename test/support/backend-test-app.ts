import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { AppModule } from '../../src/app.module';
import { configureApp } from '../../src/app.setup';
import { ScopedEnvironment } from './scoped-environment';

/** A reference backend running in this process on port 0, on its own SQLite file. */
export interface BackendTestApp {
  app: INestApplication;
  http: Server;
  httpUrl: string;
  wsUrl: string;
  dataDir: string;
  /** Registers a user and logs in; returns the user's id and access token. */
  signUp(username: string, password?: string): Promise<{ id: string; token: string; role: string }>;
  close(): Promise<void>;
}

/** Environment every test backend runs with; individual tests may add to it. */
const BASE_ENV: Record<string, string> = {
  NODE_ENV: 'test',
  JWT_SECRET: 'backend-test-secret-0123456789abcdef',
  HOST: '127.0.0.1',
  // Fast hashes and loose request limits, so suites that sign up many users or hammer one route
  // (the fault suites) stay fast and under them; test/backend-abuse.e2e-spec.ts runs with the
  // real defaults.
  PASSWORD_HASH_COST: '10',
  THROTTLE_AUTH_LIMIT: '10000',
  THROTTLE_LIMIT: '1000000',
  // pino-http logs every request at info through its own logger, whatever Nest's `logger`
  // option says: keep test output to warnings and errors.
  LOG_LEVEL: 'warn',
};

/**
 * Boots the backend's real AppModule with `env` layered over {@link BASE_ENV}, a fresh data
 * directory, and the same setup as `main.ts`. The previous environment is restored on close.
 */
export async function startBackend(env: Record<string, string> = {}): Promise<BackendTestApp> {
  const scoped = new ScopedEnvironment('backend', (dir) => ({
    ...BASE_ENV,
    DATA_DIR: dir,
    ...env,
  }));
  const dataDir = scoped.dir;

  let app: INestApplication;
  try {
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = configureApp(moduleRef.createNestApplication({ logger: ['error', 'warn'] }));
    await app.listen(0, '127.0.0.1');
  } catch (error) {
    scoped.restore();
    throw error;
  }
  const http = app.getHttpServer() as Server;
  const { port } = http.address() as AddressInfo;
  let closed = false;

  return {
    app,
    http,
    dataDir,
    httpUrl: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}${env.WS_PATH ?? '/ws'}`,
    async signUp(username, password = 'correct horse battery') {
      const registered = await request(http)
        .post('/auth/register')
        .send({ username, password })
        .expect(201);
      const login = await request(http)
        .post('/auth/login')
        .send({ username, password })
        .expect(200);
      return {
        id: registered.body.id as string,
        role: registered.body.role as string,
        token: login.body.accessToken as string,
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await app.close();
      } finally {
        scoped.restore();
      }
    },
  };
}

import { Logger } from '@nestjs/common';
import { registerAs } from '@nestjs/config';
import { join, resolve } from 'node:path';
import type { AppConfig } from './app-config.interface';
import { loadOrCreateDevelopmentJwtSecret } from './development-jwt-secret';
import { validateEnvironment } from './environment.validator';
import type { EnvironmentVariables } from './environment.variables';

/** Namespace of the backend's configuration in `ConfigService` (`config.get('app.port')`). */
export const APP_CONFIG_NAMESPACE = 'app';

/** SQLite's name for a database that lives only in memory; not a path. */
const IN_MEMORY_DATABASE = ':memory:';

/** Name of the SQLite file inside DATA_DIR when DATABASE_FILE is not set. */
const DEFAULT_DATABASE_FILE_NAME = 'realtime.sqlite';

/**
 * Turns validated environment variables into the backend's configuration: absolute paths, the
 * JWT secret resolved, the WebSocket settings grouped the way the realtime library takes them.
 */
export function createAppConfig(
  env: EnvironmentVariables,
  logger = new Logger('AppConfig'),
): AppConfig {
  const dataDir = resolve(env.DATA_DIR);
  const databaseFile =
    env.DATABASE_FILE === IN_MEMORY_DATABASE
      ? IN_MEMORY_DATABASE
      : resolve(env.DATABASE_FILE ?? join(dataDir, DEFAULT_DATABASE_FILE_NAME));
  return {
    nodeEnv: env.NODE_ENV,
    logging: {
      level: env.LOG_LEVEL,
      // Machines read production logs; people read the others in a terminal.
      format: env.LOG_FORMAT ?? (env.NODE_ENV === 'production' ? 'json' : 'pretty'),
    },
    port: env.PORT,
    host: env.HOST,
    // Validation already refused a production boot without JWT_SECRET.
    jwtSecret: env.JWT_SECRET ?? loadOrCreateDevelopmentJwtSecret(dataDir, logger),
    jwtExpiresInSeconds: env.JWT_EXPIRES_IN_SECONDS,
    dataDir,
    databaseFile,
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL,
    metricsToken: env.METRICS_TOKEN,
    postgresTimeouts: {
      statementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS,
      lockTimeoutMs: env.DATABASE_LOCK_TIMEOUT_MS,
      idleInTransactionTimeoutMs: env.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
      connectTimeoutMs: env.DATABASE_CONNECT_TIMEOUT_MS,
    },
    idempotency: {
      pendingLeaseMs: env.IDEMPOTENCY_PENDING_LEASE_MS,
      retentionMs: env.IDEMPOTENCY_RETENTION_HOURS * 3_600_000,
    },
    http: {
      trustProxy: Array.isArray(env.TRUST_PROXY) ? [...env.TRUST_PROXY] : env.TRUST_PROXY,
      keepAliveTimeoutMs: env.KEEP_ALIVE_TIMEOUT_MS,
      // One second more than keep-alive unless set: it must exceed it (see EnvironmentVariables).
      headersTimeoutMs: env.HEADERS_TIMEOUT_MS ?? env.KEEP_ALIVE_TIMEOUT_MS + 1_000,
      // Validation already refused one file without the other.
      tls:
        env.TLS_CERT_FILE !== undefined && env.TLS_KEY_FILE !== undefined
          ? { certFile: resolve(env.TLS_CERT_FILE), keyFile: resolve(env.TLS_KEY_FILE) }
          : undefined,
    },
    allowedOrigins: env.ALLOWED_ORIGINS,
    adminUsernames: env.ADMIN_USERNAMES,
    throttle: {
      default: { ttlMs: env.THROTTLE_TTL_MS, limit: env.THROTTLE_LIMIT },
      auth: { ttlMs: env.THROTTLE_AUTH_TTL_MS, limit: env.THROTTLE_AUTH_LIMIT },
      loginBackoff: {
        threshold: env.LOGIN_BACKOFF_THRESHOLD,
        baseMs: env.LOGIN_BACKOFF_BASE_MS,
        maxMs: env.LOGIN_BACKOFF_MAX_MS,
      },
    },
    passwordHashing: {
      cost: env.PASSWORD_HASH_COST,
      maxConcurrent: env.PASSWORD_HASH_CONCURRENCY,
      maxQueued: env.PASSWORD_HASH_QUEUE_LIMIT,
    },
    realtime: {
      path: env.WS_PATH,
      allowedOrigins: env.ALLOWED_ORIGINS,
      maxPayloadBytes: env.WS_MAX_PAYLOAD_BYTES,
      heartbeatIntervalMs: env.WS_HEARTBEAT_INTERVAL_MS,
      heartbeatFrames: env.WS_HEARTBEAT_FRAMES,
      rateLimit: {
        messagesPerSecond: env.WS_RATE_LIMIT_PER_SECOND,
        burst: env.WS_RATE_LIMIT_BURST,
      },
      maxConnectionsPerUser: env.WS_MAX_CONNECTIONS_PER_USER,
      maxBufferedBytes: env.WS_MAX_BUFFERED_BYTES,
      compression: env.WS_COMPRESSION
        ? { thresholdBytes: env.WS_COMPRESSION_THRESHOLD_BYTES }
        : false,
      retention: {
        maxAgeMs: env.DELIVERY_RETENTION_DAYS * 86_400_000,
        maxEntriesPerUser: env.DELIVERY_RETENTION_MAX_PER_USER,
      },
      undeliveredAfterMs: env.UNDELIVERED_AFTER_MS,
      presenceRefreshMs: env.PRESENCE_REFRESH_MS,
    },
  };
}

/**
 * The backend's configuration as a `ConfigModule` namespace. The factory runs when the Nest
 * application is created, not when this file is imported, so `process.env` is read per app:
 * tests can set variables before each `createTestingModule()`.
 */
export const appConfig = registerAs(APP_CONFIG_NAMESPACE, (): AppConfig =>
  createAppConfig(validateEnvironment(process.env)),
);

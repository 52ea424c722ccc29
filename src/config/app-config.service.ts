import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { PostgresTimeouts } from '../database/postgres-pool.factory';
import { appConfig } from './app.config';
import type { IdempotencySettings, RealtimeSettings } from './app-config.interface';
import type { NodeEnvironment } from './environment.variables';

/**
 * Typed, read-only access to the backend's configuration. Lists and objects are returned as
 * copies so that no consumer can change what another one sees.
 */
@Injectable()
export class AppConfigService {
  constructor(@Inject(appConfig.KEY) private readonly config: ConfigType<typeof appConfig>) {}

  /** NODE_ENV. */
  get nodeEnv(): NodeEnvironment {
    return this.config.nodeEnv;
  }

  /** Whether NODE_ENV is `production`. */
  get isProduction(): boolean {
    return this.config.nodeEnv === 'production';
  }

  /** PORT: TCP port to listen on. */
  get port(): number {
    return this.config.port;
  }

  /** HOST: interface to bind. */
  get host(): string {
    return this.config.host;
  }

  /** HS256 signing secret: JWT_SECRET, or the persisted development secret. Never log it. */
  get jwtSecret(): string {
    return this.config.jwtSecret;
  }

  /** JWT_EXPIRES_IN_SECONDS: access token lifetime. */
  get jwtExpiresInSeconds(): number {
    return this.config.jwtExpiresInSeconds;
  }

  /** DATA_DIR, absolute. */
  get dataDir(): string {
    return this.config.dataDir;
  }

  /** DATABASE_FILE, absolute (or `:memory:`). */
  get databaseFile(): string {
    return this.config.databaseFile;
  }

  /** DATABASE_URL: PostgreSQL instead of SQLite when set. Never log it (it may hold a password). */
  get databaseUrl(): string | undefined {
    return this.config.databaseUrl;
  }

  /** REDIS_URL: run as one of several instances when set. Never log it (it may hold a password). */
  get redisUrl(): string | undefined {
    return this.config.redisUrl;
  }

  /** DATABASE_*_TIMEOUT_MS: bounds on every PostgreSQL connection. */
  get postgresTimeouts(): PostgresTimeouts {
    return { ...this.config.postgresTimeouts };
  }

  /** IDEMPOTENCY_PENDING_LEASE_MS and IDEMPOTENCY_RETENTION_HOURS, in ms. */
  get idempotency(): IdempotencySettings {
    return { ...this.config.idempotency };
  }

  /** ALLOWED_ORIGINS: origins allowed to open a WebSocket; empty means no check. */
  get allowedOrigins(): string[] {
    return [...this.config.allowedOrigins];
  }

  /** ADMIN_USERNAMES: usernames that get the `admin` role at registration. */
  get adminUsernames(): string[] {
    return [...this.config.adminUsernames];
  }

  /** The WS_* settings, shaped as the realtime library's module options. */
  get realtime(): RealtimeSettings {
    const { realtime } = this.config;
    return {
      ...realtime,
      allowedOrigins: [...realtime.allowedOrigins],
      rateLimit: { ...realtime.rateLimit },
      compression: realtime.compression === false ? false : { ...realtime.compression },
    };
  }
}

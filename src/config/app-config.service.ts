import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { PostgresTimeouts } from '../database/postgres-pool.factory';
import { appConfig } from './app.config';
import type {
  HttpSettings,
  IdempotencySettings,
  LoggingSettings,
  PasswordHashingSettings,
  RealtimeSettings,
  ThrottleSettings,
} from './app-config.interface';
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

  /** LOG_LEVEL and LOG_FORMAT (resolved from NODE_ENV when unset). */
  get logging(): LoggingSettings {
    return { ...this.config.logging };
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

  /** METRICS_TOKEN: the bearer token `GET /metrics` requires, when set. Never log it. */
  get metricsToken(): string | undefined {
    return this.config.metricsToken;
  }

  /** DATABASE_*_TIMEOUT_MS: bounds on every PostgreSQL connection. */
  get postgresTimeouts(): PostgresTimeouts {
    return { ...this.config.postgresTimeouts };
  }

  /** IDEMPOTENCY_PENDING_LEASE_MS and IDEMPOTENCY_RETENTION_HOURS, in ms. */
  get idempotency(): IdempotencySettings {
    return { ...this.config.idempotency };
  }

  /** TRUST_PROXY, KEEP_ALIVE_TIMEOUT_MS, HEADERS_TIMEOUT_MS, TLS_CERT_FILE and TLS_KEY_FILE. */
  get http(): HttpSettings {
    const { http } = this.config;
    return {
      ...http,
      trustProxy: Array.isArray(http.trustProxy) ? [...http.trustProxy] : http.trustProxy,
      tls: http.tls === undefined ? undefined : { ...http.tls },
    };
  }

  /**
   * ALLOWED_ORIGINS: origins allowed to open a WebSocket and to call the REST API from a browser
   * (CORS); empty means no Origin check and no CORS headers.
   */
  get allowedOrigins(): string[] {
    return [...this.config.allowedOrigins];
  }

  /** ADMIN_USERNAMES: usernames that get the `admin` role at registration. */
  get adminUsernames(): string[] {
    return [...this.config.adminUsernames];
  }

  /** THROTTLE_* and LOGIN_BACKOFF_*: per-IP REST limits and the per-username login backoff. */
  get throttle(): ThrottleSettings {
    const { throttle } = this.config;
    return {
      default: { ...throttle.default },
      auth: { ...throttle.auth },
      loginBackoff: { ...throttle.loginBackoff },
    };
  }

  /** PASSWORD_HASH_COST, PASSWORD_HASH_CONCURRENCY and PASSWORD_HASH_QUEUE_LIMIT. */
  get passwordHashing(): PasswordHashingSettings {
    return { ...this.config.passwordHashing };
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

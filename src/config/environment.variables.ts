import { Expose, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';
import {
  USERNAME_MAX_LENGTH,
  USERNAME_MIN_LENGTH,
  USERNAME_PATTERN,
} from '../users/users.constants';
import * as messages from './config.messages';
import { toBoolean, toInteger, toList, toTrustProxy } from './environment.transforms';
import { IsExactOrigin } from './is-exact-origin.validator';
import { IsTrustProxy } from './is-trust-proxy.validator';

/** Values NODE_ENV may take. */
export const NODE_ENVIRONMENTS = ['development', 'production', 'test'] as const;

/** The environment the process runs in. */
export type NodeEnvironment = (typeof NODE_ENVIRONMENTS)[number];

/** Values LOG_LEVEL may take: pino's levels, most severe first, and `silent`. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** The lowest level logged. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Values LOG_FORMAT may take. */
export const LOG_FORMATS = ['json', 'pretty'] as const;

/** How log lines are written. */
export type LogFormat = (typeof LOG_FORMATS)[number];

/** TRUST_PROXY as Express's `trust proxy` takes it: all/none, a number of hops, or addresses. */
export type TrustProxySetting = boolean | number | string[];

const URL_PATH = /^\/[^\s?#]*$/;

/**
 * The environment variables the backend reads, typed, validated and with their defaults. This
 * class is the only place defaults live; `.env.example` documents the same values.
 *
 * class-validator runs a property's rules bottom-up and stops at the first failure, so the type
 * check sits right above each field: `PORT=abc` is reported as "not an integer", not as
 * "greater than 65535".
 */
export class EnvironmentVariables {
  /** `development`, `production` or `test`. Default `development`. */
  @Expose()
  @IsIn(NODE_ENVIRONMENTS)
  NODE_ENV: NodeEnvironment = 'development';

  /**
   * Lowest level logged: `fatal`, `error`, `warn`, `info`, `debug`, `trace` or `silent`.
   * Default `info`.
   */
  @Expose()
  @IsIn(LOG_LEVELS, { message: messages.mustBeOneOf('LOG_LEVEL', LOG_LEVELS) })
  LOG_LEVEL: LogLevel = 'info';

  /**
   * `json` (one object per line, for a log collector) or `pretty` (coloured text, for a terminal).
   * Default `json` when {@link NODE_ENV} is `production`, `pretty` otherwise.
   */
  @Expose()
  @ValidateIf((env: EnvironmentVariables) => env.LOG_FORMAT !== undefined)
  @IsIn(LOG_FORMATS, { message: messages.mustBeOneOf('LOG_FORMAT', LOG_FORMATS) })
  LOG_FORMAT?: LogFormat;

  /** TCP port the HTTP and WebSocket server listens on; `0` picks a free one. Default `3000`. */
  @Expose()
  @Transform(toInteger)
  @Min(0)
  @Max(65535)
  @IsInt()
  PORT = 3000;

  /** Interface the server binds to. Default `0.0.0.0` (all IPv4 interfaces). */
  @Expose()
  @IsNotEmpty()
  @IsString()
  HOST = '0.0.0.0';

  /**
   * Express's `trust proxy`: which hops in front of the server may set `X-Forwarded-For` and
   * `X-Forwarded-Proto`, and so decide `req.ip` and `req.protocol`. `false` trusts none, `true`
   * trusts all, a number trusts that many hops, a list trusts those addresses, subnets or
   * `loopback`, `linklocal`, `uniquelocal`. Default `false`.
   */
  @Expose()
  @Transform(toTrustProxy)
  @IsTrustProxy({ message: messages.trustProxyInvalid() })
  TRUST_PROXY: TrustProxySetting = false;

  /**
   * Ms an idle keep-alive HTTP connection is held open. Above the idle timeout of the load
   * balancer in front (60 s for AWS ALB and nginx's upstream default), so that the balancer,
   * not the server, closes idle connections and never reuses one the server just closed (a 502).
   * Default `65000`.
   */
  @Expose()
  @Transform(toInteger)
  @Min(1)
  @IsInt()
  KEEP_ALIVE_TIMEOUT_MS = 65_000;

  /**
   * Ms a client has to send a request's headers. Must exceed {@link KEEP_ALIVE_TIMEOUT_MS} (a
   * reused connection's next request would otherwise be cut by this timer first); at most Node's
   * 300 s request timeout. Default `KEEP_ALIVE_TIMEOUT_MS + 1000`.
   */
  @Expose()
  @ValidateIf((env: EnvironmentVariables) => env.HEADERS_TIMEOUT_MS !== undefined)
  @Transform(toInteger)
  @Max(300_000)
  @Min(1)
  @IsInt()
  HEADERS_TIMEOUT_MS?: number;

  /**
   * PEM certificate chain: with {@link TLS_KEY_FILE}, the server speaks HTTPS and `wss://` on
   * {@link PORT}. Both or neither; checked readable at boot. Unset: plain HTTP (TLS at the proxy).
   */
  @Expose()
  @ValidateIf((env: EnvironmentVariables) => env.TLS_CERT_FILE !== undefined)
  @IsNotEmpty()
  @IsString()
  TLS_CERT_FILE?: string;

  /** PEM private key of {@link TLS_CERT_FILE}. Both or neither. */
  @Expose()
  @ValidateIf((env: EnvironmentVariables) => env.TLS_KEY_FILE !== undefined)
  @IsNotEmpty()
  @IsString()
  TLS_KEY_FILE?: string;

  /**
   * HS256 signing secret for access tokens. Required in production; elsewhere a generated one
   * is kept in `<DATA_DIR>/jwt-secret`.
   */
  @Expose()
  @ValidateIf(
    (env: EnvironmentVariables) => env.NODE_ENV === 'production' || env.JWT_SECRET !== undefined,
  )
  @IsString({ message: messages.jwtSecretRequired() })
  JWT_SECRET?: string;

  /**
   * A bearer token `GET /metrics` requires when set (Prometheus' `authorization` in a scrape
   * config); at least 16 characters. Unset: `/metrics` is open, for a scraper on a private
   * network or a proxy that keeps it internal.
   */
  @Expose()
  @ValidateIf((env: EnvironmentVariables) => env.METRICS_TOKEN !== undefined)
  @MinLength(16, { message: messages.metricsTokenTooShort() })
  @IsString({ message: messages.metricsTokenTooShort() })
  METRICS_TOKEN?: string;

  /** Lifetime of an access token in seconds. Default `3600`. */
  @Expose()
  @Transform(toInteger)
  @Min(1)
  @IsInt()
  JWT_EXPIRES_IN_SECONDS = 3600;

  /** Directory for the SQLite file and the development JWT secret. Default `./data`. */
  @Expose()
  @IsNotEmpty()
  @IsString()
  DATA_DIR = './data';

  /** SQLite database file (or `:memory:`). Default `<DATA_DIR>/realtime.sqlite`. */
  @Expose()
  @ValidateIf((env: EnvironmentVariables) => env.DATABASE_FILE !== undefined)
  @IsNotEmpty()
  @IsString()
  DATABASE_FILE?: string;

  /**
   * `postgres://…` (or `postgresql://…`): use PostgreSQL instead of SQLite. Unset: SQLite at
   * {@link DATABASE_FILE}.
   */
  @Expose()
  @ValidateIf((env: EnvironmentVariables) => env.DATABASE_URL !== undefined)
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;

  /**
   * `redis://…` (or `rediss://…`): run as one of several instances, with Redis carrying pushes,
   * durable entries and one-time tickets between them. Needs {@link DATABASE_URL}: SQLite serves
   * one process. Unset: a single instance.
   */
  @Expose()
  @ValidateIf((env: EnvironmentVariables) => env.REDIS_URL !== undefined)
  @Matches(/^rediss?:\/\/\S+$/, { message: messages.redisUrlInvalid() })
  REDIS_URL?: string;

  /**
   * With {@link REDIS_URL}: ms between rewrites of this instance's presence entries in Redis.
   * Entries live two periods, so a dead instance's users go offline within twice this. Default
   * `15000` (within 30 s).
   */
  @Expose()
  @Transform(toInteger)
  @Min(100)
  @Max(60_000)
  @IsInt()
  PRESENCE_REFRESH_MS = 15_000;

  /**
   * PostgreSQL `statement_timeout` of every connection, in ms: a longer statement is cancelled
   * and its request answered 503. `0` leaves the server's setting. Default `10000`.
   */
  @Expose()
  @Transform(toInteger)
  @Min(0)
  @IsInt()
  DATABASE_STATEMENT_TIMEOUT_MS = 10_000;

  /**
   * PostgreSQL `lock_timeout` of every connection, in ms: a statement waiting longer for a row
   * lock fails (503) instead of stalling the durable writes queued behind it. `0` leaves the
   * server's setting. Default `5000`.
   */
  @Expose()
  @Transform(toInteger)
  @Min(0)
  @IsInt()
  DATABASE_LOCK_TIMEOUT_MS = 5_000;

  /**
   * PostgreSQL `idle_in_transaction_session_timeout`, in ms: a session idle inside a
   * transaction this long is ended, releasing its locks. `0` leaves the server's setting.
   * Default `30000`.
   */
  @Expose()
  @Transform(toInteger)
  @Min(0)
  @IsInt()
  DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS = 30_000;

  /**
   * Ms to open a PostgreSQL connection or wait for a free one in the pool before the request
   * fails (503). `0` waits without limit. Default `5000`.
   */
  @Expose()
  @Transform(toInteger)
  @Min(0)
  @IsInt()
  DATABASE_CONNECT_TIMEOUT_MS = 5_000;

  /**
   * Ms an `Idempotency-Key` stays claimed by a request that has not answered; after it, a retry
   * takes the key over (the first request's process died). At most one hour, so that no
   * pending key outlives retention. Default `60000`.
   */
  @Expose()
  @Transform(toInteger)
  @Min(1)
  @Max(3_600_000)
  @IsInt()
  IDEMPOTENCY_PENDING_LEASE_MS = 60_000;

  /** Hours an `Idempotency-Key` and its stored answer are kept, from its first use. Default `24`. */
  @Expose()
  @Transform(toInteger)
  @Min(1)
  @IsInt()
  IDEMPOTENCY_RETENTION_HOURS = 24;

  /** Origins allowed to open a WebSocket, comma-separated. Default empty: no check. */
  @Expose()
  @Transform(toList)
  @IsExactOrigin({ each: true, message: messages.mustBeExactOrigins('ALLOWED_ORIGINS') })
  ALLOWED_ORIGINS: string[] = [];

  /** Usernames that get the `admin` role when they register, comma-separated. Default empty. */
  @Expose()
  @Transform(toList)
  @Length(USERNAME_MIN_LENGTH, USERNAME_MAX_LENGTH, {
    each: true,
    message: messages.mustBeUsernames('ADMIN_USERNAMES'),
  })
  @Matches(USERNAME_PATTERN, { each: true, message: messages.mustBeUsernames('ADMIN_USERNAMES') })
  ADMIN_USERNAMES: string[] = [];

  /** Length in ms of the window of the per-IP limit on every REST route. Default `60000`. */
  @Expose()
  @Transform(toInteger)
  @Min(1)
  @IsInt()
  THROTTLE_TTL_MS = 60_000;

  /** REST requests one IP may make per {@link THROTTLE_TTL_MS} window, per route. Default `600`. */
  @Expose()
  @Transform(toInteger)
  @Min(1)
  @IsInt()
  THROTTLE_LIMIT = 600;

  /** Length in ms of the window of the stricter limit on login and register. Default `60000`. */
  @Expose()
  @Transform(toInteger)
  @Min(1)
  @IsInt()
  THROTTLE_AUTH_TTL_MS = 60_000;

  /**
   * `POST /auth/login` (and, separately, `/auth/register`) requests one IP may make per
   * {@link THROTTLE_AUTH_TTL_MS} window. Default `10`.
   */
  @Expose()
  @Transform(toInteger)
  @Min(1)
  @IsInt()
  THROTTLE_AUTH_LIMIT = 10;

  /**
   * Failed logins for one username (from any IP) before further attempts for it are refused
   * with 429 for a while. Default `5`.
   */
  @Expose()
  @Transform(toInteger)
  @Min(1)
  @IsInt()
  LOGIN_BACKOFF_THRESHOLD = 5;

  /**
   * Ms a username is refused after reaching {@link LOGIN_BACKOFF_THRESHOLD}; each further
   * failure doubles it, up to {@link LOGIN_BACKOFF_MAX_MS}. Default `30000`.
   */
  @Expose()
  @Transform(toInteger)
  @Min(1)
  @IsInt()
  LOGIN_BACKOFF_BASE_MS = 30_000;

  /**
   * Longest refusal in ms; also how long a username's failures are remembered without a new
   * one. Default `900000` (15 min).
   */
  @Expose()
  @Transform(toInteger)
  @Min(1)
  @IsInt()
  LOGIN_BACKOFF_MAX_MS = 900_000;

  /**
   * scrypt cost of new password hashes as log2(N), with r = 8 and p = 1. Each hash needs
   * 128·N·8 bytes: 128 MiB at 17, OWASP's minimum. Older hashes keep verifying and are
   * re-hashed at this cost on the next successful login. Lower only for tests. Default `17`.
   */
  @Expose()
  @Transform(toInteger)
  @Min(10)
  @Max(20)
  @IsInt()
  PASSWORD_HASH_COST = 17;

  /**
   * Password hashes computed at once (each takes its memory, see {@link PASSWORD_HASH_COST},
   * and one libuv thread). Default `4`.
   */
  @Expose()
  @Transform(toInteger)
  @Min(1)
  @IsInt()
  PASSWORD_HASH_CONCURRENCY = 4;

  /**
   * Password hashes that may wait for a free slot; beyond it a login or registration is answered
   * 503 with `Retry-After` at once. Default `32`.
   */
  @Expose()
  @Transform(toInteger)
  @Min(0)
  @IsInt()
  PASSWORD_HASH_QUEUE_LIMIT = 32;

  /** URL path of the WebSocket endpoint. Default `/ws`. */
  @Expose()
  @Matches(URL_PATH, { message: messages.mustBeUrlPath('WS_PATH') })
  @IsString()
  WS_PATH = '/ws';

  /** Largest inbound WebSocket frame in bytes. Default `65536`. */
  @Expose()
  @Transform(toInteger)
  @Min(1)
  @IsInt()
  WS_MAX_PAYLOAD_BYTES = 65536;

  /** Milliseconds between protocol pings. Default `30000`. */
  @Expose()
  @Transform(toInteger)
  @Min(1)
  @IsInt()
  WS_HEARTBEAT_INTERVAL_MS = 30000;

  /**
   * Also send the frame `{"type":"heartbeat"}` with every protocol ping, for clients that cannot
   * see protocol pings (they answer `{"type":"pong"}`; any frame counts as alive). Default `false`.
   */
  @Expose()
  @Transform(toBoolean)
  @IsBoolean({ message: messages.mustBeBoolean('WS_HEARTBEAT_FRAMES') })
  WS_HEARTBEAT_FRAMES = false;

  /** Sustained inbound messages per second per connection. Default `20`. */
  @Expose()
  @Transform(toInteger)
  @Min(1)
  @IsInt()
  WS_RATE_LIMIT_PER_SECOND = 20;

  /** Inbound messages a connection may send at once after being idle. Default `40`. */
  @Expose()
  @Transform(toInteger)
  @Min(1)
  @IsInt()
  WS_RATE_LIMIT_BURST = 40;

  /** Open WebSocket connections one user may hold. Default `10`. */
  @Expose()
  @Transform(toInteger)
  @Min(1)
  @IsInt()
  WS_MAX_CONNECTIONS_PER_USER = 10;

  /** Bytes that may wait in a connection's send buffer before it counts as slow. Default `1048576`. */
  @Expose()
  @Transform(toInteger)
  @Min(1)
  @IsInt()
  WS_MAX_BUFFERED_BYTES = 1048576;

  /** permessage-deflate on (`true`) or off (`false`). Default `false`. */
  @Expose()
  @Transform(toBoolean)
  @IsBoolean({ message: messages.mustBeBoolean('WS_COMPRESSION') })
  WS_COMPRESSION = false;

  /** With compression on, frames smaller than this many bytes go uncompressed. Default `1024`. */
  @Expose()
  @Transform(toInteger)
  @Min(0)
  @IsInt()
  WS_COMPRESSION_THRESHOLD_BYTES = 1024;

  /** Days a delivery log entry is kept (a client away longer gets `resync`). Default `30`. */
  @Expose()
  @Transform(toInteger)
  @Min(1)
  @IsInt()
  DELIVERY_RETENTION_DAYS = 30;

  /** Newest delivery log entries kept per user. Default `1000`. */
  @Expose()
  @Transform(toInteger)
  @Min(1)
  @IsInt()
  DELIVERY_RETENTION_MAX_PER_USER = 1000;

  /** An entry unacknowledged this many ms after it was written is reported once. Default 10 min. */
  @Expose()
  @Transform(toInteger)
  @Min(1)
  @IsInt()
  UNDELIVERED_AFTER_MS = 600_000;
}

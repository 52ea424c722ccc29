import type { PostgresTimeouts } from '../database/postgres-pool.factory';
import type {
  LogFormat,
  LogLevel,
  NodeEnvironment,
  TrustProxySetting,
} from './environment.variables';

/** WebSocket settings, shaped as the realtime library's module options. */
export interface RealtimeSettings {
  /** URL path of the WebSocket endpoint. */
  path: string;
  /** Origins allowed to connect; empty means no check. */
  allowedOrigins: string[];
  /** Largest inbound frame in bytes. */
  maxPayloadBytes: number;
  /** Milliseconds between protocol pings. */
  heartbeatIntervalMs: number;
  /** Whether each ping also carries the application-level `heartbeat` frame. */
  heartbeatFrames: boolean;
  /** Inbound token bucket per connection. */
  rateLimit: { messagesPerSecond: number; burst: number };
  /** Open connections one user may hold. */
  maxConnectionsPerUser: number;
  /** Bytes that may wait in a send buffer before the connection counts as slow. */
  maxBufferedBytes: number;
  /** permessage-deflate: `false`, or the size under which frames go uncompressed. */
  compression: false | { thresholdBytes: number };
  /** How long delivery log entries are kept. */
  retention: { maxAgeMs: number; maxEntriesPerUser: number };
  /** Unacknowledged for this long, an entry is reported (logged) once. */
  undeliveredAfterMs: number;
  /** With Redis: how often this instance rewrites its presence entries (they live two periods). */
  presenceRefreshMs: number;
}

/** LOG_LEVEL and LOG_FORMAT, the format resolved from NODE_ENV when unset. */
export interface LoggingSettings {
  /** Lowest level logged. */
  level: LogLevel;
  /** `json` lines, or `pretty` text for a terminal. */
  format: LogFormat;
}

/** The HTTP server's settings beyond host and port. */
export interface HttpSettings {
  /** TRUST_PROXY, as Express's `trust proxy` takes it. */
  trustProxy: TrustProxySetting;
  /** KEEP_ALIVE_TIMEOUT_MS: `server.keepAliveTimeout`. */
  keepAliveTimeoutMs: number;
  /** HEADERS_TIMEOUT_MS: `server.headersTimeout`, above {@link keepAliveTimeoutMs}. */
  headersTimeoutMs: number;
  /** TLS_CERT_FILE and TLS_KEY_FILE, absolute; `undefined` serves plain HTTP. */
  tls: { certFile: string; keyFile: string } | undefined;
}

/** REST abuse protection: per-IP limits and the per-username login backoff. */
export interface ThrottleSettings {
  /** Every REST route, per IP and route: at most `limit` requests per `ttlMs`. */
  default: { ttlMs: number; limit: number };
  /** Login and register, per IP and route. */
  auth: { ttlMs: number; limit: number };
  /** Failed logins per username before refusals start, the first refusal, the longest (ms). */
  loginBackoff: { threshold: number; baseMs: number; maxMs: number };
}

/** Password hashing cost and how many hashes may run or wait at once. */
export interface PasswordHashingSettings {
  /** log2 of scrypt's N for new hashes (r = 8, p = 1). */
  cost: number;
  /** Hashes computed at once. */
  maxConcurrent: number;
  /** Hashes that may wait; beyond, 503 at once. */
  maxQueued: number;
}

/** How long `Idempotency-Key`s are held and kept. */
export interface IdempotencySettings {
  /** A pending key is taken over by a retry this many ms after its claim. */
  pendingLeaseMs: number;
  /** Keys are purged this many ms after their claim. */
  retentionMs: number;
}

/** The backend's resolved configuration: validated, defaulted, paths absolute. */
export interface AppConfig {
  nodeEnv: NodeEnvironment;
  logging: LoggingSettings;
  port: number;
  host: string;
  /** HS256 signing secret: `JWT_SECRET`, or outside production the persisted generated one. */
  jwtSecret: string;
  jwtExpiresInSeconds: number;
  /** Absolute. */
  dataDir: string;
  /** Absolute, or `:memory:`. Used when {@link databaseUrl} is unset. */
  databaseFile: string;
  /** PostgreSQL connection URL; when set, PostgreSQL is used instead of SQLite. Never log it. */
  databaseUrl: string | undefined;
  /** Several instances over Redis when set. */
  redisUrl: string | undefined;
  /** DATABASE_*_TIMEOUT_MS: bounds on every PostgreSQL connection. */
  postgresTimeouts: PostgresTimeouts;
  /** METRICS_TOKEN: the bearer token `GET /metrics` requires, when set. Never log it. */
  metricsToken: string | undefined;
  idempotency: IdempotencySettings;
  http: HttpSettings;
  allowedOrigins: string[];
  adminUsernames: string[];
  throttle: ThrottleSettings;
  passwordHashing: PasswordHashingSettings;
  realtime: RealtimeSettings;
}

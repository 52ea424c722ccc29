import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAppConfig } from './app.config';
import * as messages from './config.messages';
import { EnvironmentValidationError } from './environment-validation.error';
import { validateEnvironment } from './environment.validator';

function validationError(raw: Record<string, string>): EnvironmentValidationError {
  try {
    validateEnvironment(raw);
  } catch (error) {
    if (error instanceof EnvironmentValidationError) return error;
    throw error;
  }
  throw new Error('expected validation to fail');
}

describe('validateEnvironment', () => {
  it('applies every default to an empty environment', () => {
    const env = validateEnvironment({});
    expect({ ...env }).toEqual({
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      LOG_FORMAT: undefined,
      PORT: 3000,
      HOST: '0.0.0.0',
      TRUST_PROXY: false,
      KEEP_ALIVE_TIMEOUT_MS: 65_000,
      HEADERS_TIMEOUT_MS: undefined,
      TLS_CERT_FILE: undefined,
      TLS_KEY_FILE: undefined,
      JWT_SECRET: undefined,
      JWT_EXPIRES_IN_SECONDS: 3600,
      DATA_DIR: './data',
      DATABASE_FILE: undefined,
      DATABASE_STATEMENT_TIMEOUT_MS: 10_000,
      DATABASE_LOCK_TIMEOUT_MS: 5_000,
      DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: 30_000,
      DATABASE_CONNECT_TIMEOUT_MS: 5_000,
      IDEMPOTENCY_PENDING_LEASE_MS: 60_000,
      IDEMPOTENCY_RETENTION_HOURS: 24,
      ALLOWED_ORIGINS: [],
      ADMIN_USERNAMES: [],
      THROTTLE_TTL_MS: 60_000,
      THROTTLE_LIMIT: 600,
      THROTTLE_AUTH_TTL_MS: 60_000,
      THROTTLE_AUTH_LIMIT: 10,
      LOGIN_BACKOFF_THRESHOLD: 5,
      LOGIN_BACKOFF_BASE_MS: 30_000,
      LOGIN_BACKOFF_MAX_MS: 900_000,
      PASSWORD_HASH_COST: 17,
      PASSWORD_HASH_CONCURRENCY: 4,
      PASSWORD_HASH_QUEUE_LIMIT: 32,
      WS_PATH: '/ws',
      WS_MAX_PAYLOAD_BYTES: 65536,
      WS_HEARTBEAT_INTERVAL_MS: 30000,
      WS_HEARTBEAT_FRAMES: false,
      WS_RATE_LIMIT_PER_SECOND: 20,
      WS_RATE_LIMIT_BURST: 40,
      WS_MAX_CONNECTIONS_PER_USER: 10,
      WS_MAX_BUFFERED_BYTES: 1048576,
      WS_COMPRESSION: false,
      WS_COMPRESSION_THRESHOLD_BYTES: 1024,
      DELIVERY_RETENTION_DAYS: 30,
      DELIVERY_RETENTION_MAX_PER_USER: 1000,
      UNDELIVERED_AFTER_MS: 600_000,
      PRESENCE_REFRESH_MS: 15_000,
    });
  });

  it('ignores unrelated variables and treats empty values as unset', () => {
    const env = validateEnvironment({ PATH: '/usr/bin', PORT: '', JWT_SECRET: '' });
    expect(env.PORT).toBe(3000);
    expect(env.JWT_SECRET).toBeUndefined();
    expect(Object.keys(env)).not.toContain('PATH');
  });

  it('converts numbers, booleans and comma-separated lists', () => {
    const env = validateEnvironment({
      PORT: '8080',
      WS_COMPRESSION: 'TRUE',
      ALLOWED_ORIGINS: 'https://a.example.com, http://localhost:5173,,',
      ADMIN_USERNAMES: 'root,ops.team',
    });
    expect(env.PORT).toBe(8080);
    expect(env.WS_COMPRESSION).toBe(true);
    expect(env.ALLOWED_ORIGINS).toEqual(['https://a.example.com', 'http://localhost:5173']);
    expect(env.ADMIN_USERNAMES).toEqual(['root', 'ops.team']);
  });

  it('names every invalid variable in one error', () => {
    const bad = {
      NODE_ENV: 'staging',
      PORT: '70000',
      JWT_EXPIRES_IN_SECONDS: '0',
      ALLOWED_ORIGINS: 'https://ok.example.com,https://bad.example.com/path',
      ADMIN_USERNAMES: 'root,x',
      WS_PATH: 'ws',
      WS_MAX_PAYLOAD_BYTES: 'lots',
      WS_HEARTBEAT_INTERVAL_MS: '1.5',
      WS_RATE_LIMIT_PER_SECOND: '-1',
      WS_RATE_LIMIT_BURST: '0',
      WS_MAX_CONNECTIONS_PER_USER: 'ten',
      WS_MAX_BUFFERED_BYTES: '1e6',
      WS_COMPRESSION: 'yes',
      WS_HEARTBEAT_FRAMES: 'on',
      WS_COMPRESSION_THRESHOLD_BYTES: '-5',
      DATABASE_STATEMENT_TIMEOUT_MS: 'soon',
      DATABASE_LOCK_TIMEOUT_MS: '-1',
    };
    const error = validationError(bad);
    expect([...error.variables].sort()).toEqual(Object.keys(bad).sort());
    // One line per variable, however many of its rules the value breaks.
    expect(error.problems).toHaveLength(Object.keys(bad).length);
    for (const variable of Object.keys(bad)) expect(error.message).toContain(variable);
    expect(error.problems).toContain(messages.mustBeUrlPath('WS_PATH'));
    expect(error.problems).toContain(messages.mustBeBoolean('WS_COMPRESSION'));
    expect(error.problems).toContain(messages.mustBeBoolean('WS_HEARTBEAT_FRAMES'));
    expect(error.problems).toContain(messages.mustBeExactOrigins('ALLOWED_ORIGINS'));
    expect(error.problems).toContain(messages.mustBeUsernames('ADMIN_USERNAMES'));
    expect(error.message).toBe(messages.invalidEnvironment(error.variables, error.problems));
  });

  it('reports a non-number as such rather than as out of range', () => {
    expect(validationError({ PORT: 'abc' }).problems).toEqual(['PORT must be an integer number']);
  });

  it('refuses production without JWT_SECRET, naming it', () => {
    const error = validationError({ NODE_ENV: 'production' });
    expect(error.variables).toEqual(['JWT_SECRET']);
    expect(error.message).toContain(messages.jwtSecretRequired());
  });

  it('takes PRESENCE_REFRESH_MS from 100 to 60000 ms', () => {
    expect(validateEnvironment({ PRESENCE_REFRESH_MS: '1000' }).PRESENCE_REFRESH_MS).toBe(1000);
    expect(validationError({ PRESENCE_REFRESH_MS: '50' }).variables).toEqual([
      'PRESENCE_REFRESH_MS',
    ]);
    expect(validationError({ PRESENCE_REFRESH_MS: '60001' }).variables).toEqual([
      'PRESENCE_REFRESH_MS',
    ]);
  });

  it('takes REDIS_URL with PostgreSQL; refuses it with SQLite, or when it is no Redis URL', () => {
    const postgres = 'postgres://u@127.0.0.1:5432/db';
    expect(
      validateEnvironment({ REDIS_URL: 'redis://:pw@127.0.0.1:6379/0', DATABASE_URL: postgres })
        .REDIS_URL,
    ).toBe('redis://:pw@127.0.0.1:6379/0');
    const sqlite = validationError({ REDIS_URL: 'redis://127.0.0.1:6379' });
    expect(sqlite.variables).toEqual(['REDIS_URL']);
    expect(sqlite.problems).toEqual([messages.redisNeedsPostgres()]);
    const invalid = validationError({ REDIS_URL: 'http://secret@host', DATABASE_URL: postgres });
    expect(invalid.problems).toEqual([messages.redisUrlInvalid()]);
    expect(invalid.message).not.toContain('secret');
  });

  it('takes a METRICS_TOKEN of 16 characters or more, and never echoes a short one', () => {
    expect(validateEnvironment({}).METRICS_TOKEN).toBeUndefined();
    const token = 'a'.repeat(16);
    expect(validateEnvironment({ METRICS_TOKEN: token }).METRICS_TOKEN).toBe(token);
    const short = validationError({ METRICS_TOKEN: 'hunter2-scrape' });
    expect(short.variables).toEqual(['METRICS_TOKEN']);
    expect(short.problems).toEqual([messages.metricsTokenTooShort()]);
    expect(short.message).not.toContain('hunter2');
  });

  it('accepts production with JWT_SECRET and never echoes values in its messages', () => {
    expect(
      validateEnvironment({ NODE_ENV: 'production', JWT_SECRET: 's3cr3t-value' }).JWT_SECRET,
    ).toBe('s3cr3t-value');
    const error = validationError({ PORT: 'port-value-xyz' });
    expect(error.message).not.toContain('port-value-xyz');
  });
});

describe('validateEnvironment: HTTP server settings', () => {
  it('takes TRUST_PROXY as a boolean, a number of hops or a list of addresses', () => {
    const trust = (value: string) => validateEnvironment({ TRUST_PROXY: value }).TRUST_PROXY;
    expect(trust('true')).toBe(true);
    expect(trust('False')).toBe(false);
    expect(trust('0')).toBe(0);
    expect(trust('2')).toBe(2);
    expect(trust('loopback, 10.0.0.0/8,192.168.1.7')).toEqual([
      'loopback',
      '10.0.0.0/8',
      '192.168.1.7',
    ]);
    expect(trust('fd00::/8,::1,10.0.0.0/255.0.0.0,uniquelocal,linklocal')).toHaveLength(5);
  });

  it.each(['yes', '-1', '1.5', '10.0.0.0/33', 'fd00::/129', 'example.com', '10.0.0.1/8/8', ','])(
    'refuses TRUST_PROXY=%p, naming it',
    (value) => {
      const error = validationError({ TRUST_PROXY: value });
      expect(error.variables).toEqual(['TRUST_PROXY']);
      expect(error.problems).toEqual([messages.trustProxyInvalid()]);
    },
  );

  it('takes HEADERS_TIMEOUT_MS only above KEEP_ALIVE_TIMEOUT_MS, and at most 300 s', () => {
    const env = validateEnvironment({ KEEP_ALIVE_TIMEOUT_MS: '5000', HEADERS_TIMEOUT_MS: '5001' });
    expect([env.KEEP_ALIVE_TIMEOUT_MS, env.HEADERS_TIMEOUT_MS]).toEqual([5000, 5001]);
    const equal = validationError({ KEEP_ALIVE_TIMEOUT_MS: '5000', HEADERS_TIMEOUT_MS: '5000' });
    expect(equal.variables).toEqual(['HEADERS_TIMEOUT_MS']);
    expect(equal.problems).toEqual([messages.headersTimeoutNotAboveKeepAlive()]);
    // Below the default keep-alive (65 s) when only the headers timeout is set.
    expect(validationError({ HEADERS_TIMEOUT_MS: '60000' }).problems).toEqual([
      messages.headersTimeoutNotAboveKeepAlive(),
    ]);
    expect(validationError({ HEADERS_TIMEOUT_MS: '300001' }).variables).toEqual([
      'HEADERS_TIMEOUT_MS',
    ]);
    const bad = validationError({ KEEP_ALIVE_TIMEOUT_MS: '0', HEADERS_TIMEOUT_MS: 'soon' });
    // One line each: a broken value is not also compared with the other.
    expect(bad.variables).toEqual(['KEEP_ALIVE_TIMEOUT_MS', 'HEADERS_TIMEOUT_MS']);
    expect(bad.problems).toHaveLength(2);
  });

  describe('TLS_CERT_FILE and TLS_KEY_FILE', () => {
    let dir: string;
    let cert: string;
    let key: string;

    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'rt-tls-config-'));
      cert = join(dir, 'cert.pem');
      key = join(dir, 'key.pem');
      writeFileSync(cert, 'certificate');
      writeFileSync(key, 'key', { mode: 0o600 });
    });

    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('takes both readable files, and resolves them in the configuration', () => {
      const env = validateEnvironment({ TLS_CERT_FILE: cert, TLS_KEY_FILE: key });
      expect([env.TLS_CERT_FILE, env.TLS_KEY_FILE]).toEqual([cert, key]);
      expect(createAppConfig({ ...env, JWT_SECRET: 's' }).http.tls).toEqual({
        certFile: cert,
        keyFile: key,
      });
    });

    it('refuses one without the other, naming the one that is set', () => {
      const error = validationError({ TLS_KEY_FILE: key });
      expect(error.variables).toEqual(['TLS_KEY_FILE']);
      expect(error.problems).toEqual([messages.tlsNeedsBoth()]);
    });

    it('refuses a missing file, a directory and (unless root) an unreadable file', () => {
      const missing = join(dir, 'missing.pem');
      const error = validationError({ TLS_CERT_FILE: missing, TLS_KEY_FILE: dir });
      expect(error.variables).toEqual(['TLS_CERT_FILE', 'TLS_KEY_FILE']);
      expect(error.problems).toEqual([
        messages.tlsFileUnreadable('TLS_CERT_FILE', missing),
        messages.tlsFileUnreadable('TLS_KEY_FILE', dir),
      ]);
      chmodSync(key, 0o000);
      // root reads any file, so the permission case only holds for other users.
      if (process.getuid?.() !== 0) {
        expect(validationError({ TLS_CERT_FILE: cert, TLS_KEY_FILE: key }).variables).toEqual([
          'TLS_KEY_FILE',
        ]);
      }
    });
  });
});

describe('createAppConfig', () => {
  it('derives the headers timeout from keep-alive and takes the proxy setting as given', () => {
    const defaults = createAppConfig(validateEnvironment({ JWT_SECRET: 's' }));
    expect(defaults.http).toEqual({
      trustProxy: false,
      keepAliveTimeoutMs: 65_000,
      headersTimeoutMs: 66_000,
      tls: undefined,
    });
    const set = createAppConfig(
      validateEnvironment({
        JWT_SECRET: 's',
        TRUST_PROXY: '1',
        KEEP_ALIVE_TIMEOUT_MS: '70000',
      }),
    );
    expect(set.http).toMatchObject({
      trustProxy: 1,
      keepAliveTimeoutMs: 70_000,
      headersTimeoutMs: 71_000,
    });
  });

  it('resolves paths, groups the WebSocket settings and turns compression on', () => {
    const config = createAppConfig(
      validateEnvironment({
        JWT_SECRET: 'secret',
        DATA_DIR: '/srv/app-data',
        WS_COMPRESSION: 'true',
        WS_COMPRESSION_THRESHOLD_BYTES: '2048',
        ALLOWED_ORIGINS: 'https://app.example.com',
      }),
    );
    expect(config.databaseFile).toBe('/srv/app-data/realtime.sqlite');
    expect(config.realtime).toEqual({
      path: '/ws',
      allowedOrigins: ['https://app.example.com'],
      maxPayloadBytes: 65536,
      heartbeatIntervalMs: 30000,
      heartbeatFrames: false,
      rateLimit: { messagesPerSecond: 20, burst: 40 },
      maxConnectionsPerUser: 10,
      maxBufferedBytes: 1048576,
      compression: { thresholdBytes: 2048 },
      retention: { maxAgeMs: 30 * 86_400_000, maxEntriesPerUser: 1000 },
      undeliveredAfterMs: 600_000,
      presenceRefreshMs: 15_000,
    });
  });

  it('keeps :memory: and an explicit DATABASE_FILE as they are', () => {
    const memory = createAppConfig(
      validateEnvironment({ JWT_SECRET: 's', DATABASE_FILE: ':memory:' }),
    );
    expect(memory.databaseFile).toBe(':memory:');
    const file = createAppConfig(
      validateEnvironment({ JWT_SECRET: 's', DATABASE_FILE: '/tmp/x.db' }),
    );
    expect(file.databaseFile).toBe('/tmp/x.db');
    expect(file.realtime.compression).toBe(false);
  });

  it('logs at info, as JSON in production and as pretty text elsewhere, unless told', () => {
    const logging = (raw: Record<string, string>) =>
      createAppConfig(validateEnvironment({ JWT_SECRET: 's', ...raw })).logging;
    expect(logging({})).toEqual({ level: 'info', format: 'pretty' });
    expect(logging({ NODE_ENV: 'production' })).toEqual({ level: 'info', format: 'json' });
    expect(logging({ NODE_ENV: 'production', LOG_FORMAT: 'pretty' }).format).toBe('pretty');
    expect(logging({ LOG_LEVEL: 'silent', LOG_FORMAT: 'json' })).toEqual({
      level: 'silent',
      format: 'json',
    });
  });

  it('refuses an unknown LOG_LEVEL or LOG_FORMAT, naming the allowed values', () => {
    const error = validationError({ LOG_LEVEL: 'verbose', LOG_FORMAT: 'text' });
    expect(error.variables).toEqual(['LOG_LEVEL', 'LOG_FORMAT']);
    expect(error.message).toContain(
      messages.mustBeOneOf('LOG_LEVEL', [
        'fatal',
        'error',
        'warn',
        'info',
        'debug',
        'trace',
        'silent',
      ]),
    );
    expect(error.message).toContain(messages.mustBeOneOf('LOG_FORMAT', ['json', 'pretty']));
  });

  it('groups the PostgreSQL timeouts; 0 is allowed (the server decides)', () => {
    const config = createAppConfig(
      validateEnvironment({
        JWT_SECRET: 's',
        DATABASE_STATEMENT_TIMEOUT_MS: '2500',
        DATABASE_LOCK_TIMEOUT_MS: '0',
      }),
    );
    expect(config.postgresTimeouts).toEqual({
      statementTimeoutMs: 2500,
      lockTimeoutMs: 0,
      idleInTransactionTimeoutMs: 30_000,
      connectTimeoutMs: 5_000,
    });
  });
});

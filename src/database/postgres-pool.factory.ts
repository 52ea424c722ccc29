import { Logger } from '@nestjs/common';
import { Pool } from 'pg';
import { describeDatabaseError } from './database.errors';
import * as messages from './database.messages';

/**
 * Bounds on every PostgreSQL connection, in milliseconds. `0` leaves a setting to the server
 * (or, for {@link connectTimeoutMs}, waits without limit).
 */
export interface PostgresTimeouts {
  /** `statement_timeout`: a statement running longer is cancelled (SQLSTATE 57014). */
  statementTimeoutMs: number;
  /** `lock_timeout`: a statement waiting longer for a lock fails (SQLSTATE 55P03). */
  lockTimeoutMs: number;
  /**
   * `idle_in_transaction_session_timeout`: a session idle this long inside a transaction is
   * ended, releasing the row locks it holds.
   */
  idleInTransactionTimeoutMs: number;
  /** Opening a connection, or waiting for a free one in the pool, fails after this long. */
  connectTimeoutMs: number;
}

/** Connections per instance: enough for a group-committing scheduler beside REST traffic. */
const POSTGRES_POOL_SIZE = 10;

/**
 * `application_name` of the backend's sessions in `pg_stat_activity`, unless the URL (or
 * `PGAPPNAME`) names them.
 */
const APPLICATION_NAME = 'nest-realtime';

/**
 * The backend's `pg` pool, built to survive the database going away: a lost connection is
 * logged and dropped (the pool opens a new one on the next query) instead of crashing the
 * process, and the timeouts make a stuck query fail instead of holding a connection — and every
 * durable write queued behind it — forever. Never log `url`: it may hold a password.
 */
export function createPostgresPool(
  url: string,
  timeouts: PostgresTimeouts,
  logger = new Logger('Database'),
): Pool {
  const pool = new Pool({
    connectionString: url,
    max: POSTGRES_POOL_SIZE,
    fallback_application_name: APPLICATION_NAME,
    // pg sends these as startup parameters (0 sends nothing: the server's setting holds); the
    // URL's own query parameters win over them.
    statement_timeout: timeouts.statementTimeoutMs,
    lock_timeout: timeouts.lockTimeoutMs,
    idle_in_transaction_session_timeout: timeouts.idleInTransactionTimeoutMs,
    connectionTimeoutMillis: timeouts.connectTimeoutMs,
    // Lets the kernel notice a peer that vanished without closing (a failover, a dropped NAT
    // entry) on connections that sit idle in the pool.
    keepAlive: true,
  });
  // pg-pool emits `error` for an idle connection that fails (PostgreSQL restarted, failed over,
  // or a proxy closed it) after removing it from the pool; an EventEmitter without a listener
  // would throw it and end the process.
  pool.on('error', (error) =>
    logger.warn(messages.pooledConnectionLost(describeDatabaseError(error))),
  );
  // A connection checked out but between queries (inside a transaction) has no pool listener:
  // its failure would be thrown too. The next query on it fails with the reason, which reaches
  // the caller, and the pool discards it on release; nothing more to do here.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

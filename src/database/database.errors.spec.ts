import BetterSqlite3 from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { describeDatabaseError, isDatabaseUnavailable } from './database.errors';

/** A driver error as `pg` and better-sqlite3 shape them: a message and a string `code`. */
function driverError(code: string, message = 'failed'): Error {
  return Object.assign(new Error(message), { code });
}

describe('isDatabaseUnavailable', () => {
  it.each([
    ['08006', 'connection_failure'],
    ['08001', 'sqlclient_unable_to_establish_sqlconnection'],
    ['57P01', 'admin_shutdown (pg_terminate_backend, a restart)'],
    ['57P02', 'crash_shutdown'],
    ['57P03', 'cannot_connect_now (starting up)'],
    ['57014', 'query_canceled (statement_timeout)'],
    ['55P03', 'lock_not_available (lock_timeout)'],
    ['25P03', 'idle_in_transaction_session_timeout'],
    ['53300', 'too_many_connections'],
    ['28000', 'invalid_authorization_specification (role locked out)'],
    ['40001', 'serialization_failure'],
    ['40P01', 'deadlock_detected'],
    ['ECONNREFUSED', 'server down'],
    ['ECONNRESET', 'connection reset'],
    ['ETIMEDOUT', 'network timeout'],
    ['SQLITE_BUSY', 'SQLite file locked by another connection'],
    ['SQLITE_BUSY_SNAPSHOT', 'SQLite extended busy code'],
  ])('%s (%s) is unavailable', (code) => {
    expect(isDatabaseUnavailable(driverError(code))).toBe(true);
  });

  it.each([
    ['23505', 'unique_violation'],
    ['23503', 'foreign_key_violation'],
    ['42P01', 'undefined_table'],
    ['22P02', 'invalid_text_representation'],
    ['SQLITE_CONSTRAINT_UNIQUE', 'SQLite constraint'],
    ['SQLITE_ERROR', 'SQLite syntax error'],
    ['ERR_INVALID_ARG_TYPE', 'a bug'],
  ])('%s (%s) is not', (code) => {
    expect(isDatabaseUnavailable(driverError(code))).toBe(false);
  });

  it.each([
    'Connection terminated unexpectedly',
    'Connection terminated',
    'Connection terminated due to connection timeout',
    'timeout exceeded when trying to connect',
    'Client was closed and is not queryable',
    'Client has encountered a connection error and is not queryable',
    'Cannot use a pool after calling end on the pool',
    'driver has already been destroyed',
  ])('the code-less driver error "%s" is unavailable', (message) => {
    expect(isDatabaseUnavailable(new Error(message))).toBe(true);
  });

  it('looks through cause and AggregateError, not at anything else', () => {
    expect(isDatabaseUnavailable(new Error('wrapped', { cause: driverError('57P01') }))).toBe(true);
    expect(
      isDatabaseUnavailable(new AggregateError([driverError('ECONNREFUSED')], 'all failed')),
    ).toBe(true);
    expect(isDatabaseUnavailable(new Error('no such user'))).toBe(false);
    expect(isDatabaseUnavailable('Connection terminated')).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
    const loop: Error & { cause?: unknown } = new Error('loop');
    loop.cause = loop;
    expect(isDatabaseUnavailable(loop)).toBe(false);
  });

  it('recognizes a real SQLITE_BUSY from a second connection on a locked file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nest-realtime-busy-'));
    const holder = new BetterSqlite3(join(dir, 'db.sqlite'));
    const writer = new BetterSqlite3(join(dir, 'db.sqlite'));
    try {
      holder.exec('create table t (x integer); begin immediate; insert into t values (1)');
      writer.pragma('busy_timeout = 0');
      let failure: unknown;
      try {
        writer.exec('insert into t values (2)');
      } catch (error) {
        failure = error;
      }
      expect(failure).toMatchObject({ code: 'SQLITE_BUSY' });
      expect(isDatabaseUnavailable(failure)).toBe(true);
    } finally {
      holder.close();
      writer.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('recognizes a real refused PostgreSQL connection', async () => {
    // A port that was free a moment ago: nothing listens there.
    const server = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    const client = new Client({ host: '127.0.0.1', port, connectionTimeoutMillis: 2_000 });
    const failure = await client.connect().catch((error: unknown) => error);
    expect(isDatabaseUnavailable(failure)).toBe(true);
  });
});

describe('describeDatabaseError', () => {
  it('gives code and message only: never the pg client holding the connection settings', () => {
    const error = Object.assign(driverError('57P01', 'terminating connection'), {
      client: { connectionParameters: { password: 'secret' } },
    });
    expect(describeDatabaseError(error)).toBe('57P01: terminating connection');
    expect(describeDatabaseError(new Error('Connection terminated'))).toBe('Connection terminated');
  });
});

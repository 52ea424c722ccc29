import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { spawnBackend, type BackendProcess } from './backend-process';
import { jsonRequest } from './json-request';
import { TEST_POSTGRES_URL } from './postgres';
import { TestRedisServer } from './redis-server';

/** A signed-up user of the backend. */
export interface ClusterUser {
  userId: string;
  token: string;
}

/**
 * Several backend processes as one: a fresh schema on the test PostgreSQL, a `redis-server` of
 * the test's own, and `size` processes with `DATABASE_URL` and `REDIS_URL` on both.
 */
export class BackendCluster {
  readonly instances: BackendProcess[] = [];
  /** Queries the cluster's schema (for audits against the delivery log). */
  readonly db: Pool;

  private constructor(
    readonly schema: string,
    private readonly admin: Pool,
    readonly redis: TestRedisServer,
    private readonly env: Record<string, string>,
  ) {
    this.db = new Pool({
      connectionString: TEST_POSTGRES_URL,
      max: 2,
      options: `-c search_path=${schema}`,
    });
  }

  /** Boots `size` instances, one after the other (concurrent boots load 2 cores for long). */
  static async start(size: number, env: Record<string, string> = {}): Promise<BackendCluster> {
    const schema = `rt_cluster_${randomBytes(5).toString('hex')}`;
    const admin = new Pool({ connectionString: TEST_POSTGRES_URL, max: 1 });
    await admin.query(`create schema ${schema}`);
    const redis = await TestRedisServer.start();
    const databaseUrl = new URL(TEST_POSTGRES_URL);
    databaseUrl.searchParams.set('options', `-c search_path=${schema}`);
    const cluster = new BackendCluster(schema, admin, redis, {
      DATABASE_URL: databaseUrl.toString(),
      REDIS_URL: redis.url,
      JWT_SECRET: 'backend-cluster-test-secret-long-enough',
      ...env,
    });
    try {
      for (let i = 0; i < size; i++) cluster.instances.push(await spawnBackend(cluster.env));
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  /** `host:port` of every instance (what a load balancer's upstream lists). */
  get addresses(): string[] {
    return this.instances.map((instance) => new URL(instance.httpUrl).host);
  }

  /** Registers `username` at `baseUrl` (an instance, or a load balancer) and logs in there. */
  signUp(baseUrl: string, username: string): Promise<ClusterUser> {
    return signUp(baseUrl, username);
  }

  /** Stops every instance still running (SIGTERM, by pid), Redis, and drops the schema. */
  async stop(): Promise<void> {
    for (const instance of this.instances) {
      if (instance.child.exitCode === null && instance.child.signalCode === null) {
        instance.child.kill('SIGTERM');
      }
      await instance.exited;
    }
    await this.redis.stop();
    await this.db.end();
    await this.admin.query(`drop schema if exists ${this.schema} cascade`);
    await this.admin.end();
  }
}

/** Registers `username` at `baseUrl` (an instance, or a load balancer) and logs in there. */
export async function signUp(baseUrl: string, username: string): Promise<ClusterUser> {
  const credentials = { username, password: 'correct horse battery' };
  const post = (path: string) =>
    jsonRequest(`${baseUrl}${path}`, {
      method: 'POST',
      body: credentials,
      timeoutMs: 10_000,
    });
  const registered = await post('/auth/register');
  if (registered.status !== 201) {
    throw new Error(
      `register ${username}: ${registered.status} ${JSON.stringify(registered.body)}`,
    );
  }
  const login = await post('/auth/login');
  return { userId: registered.body.id as string, token: login.body.accessToken as string };
}

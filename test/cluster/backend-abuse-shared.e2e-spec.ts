import { BackendCluster, signUp } from '../support/backend-cluster';
import { jsonRequest, type JsonReply } from '../support/json-request';
import { describeWithPostgres } from '../support/postgres';

const PASSWORD = 'correct horse battery';
/** Per-IP limit on login and register for this suite (the test support's default is huge). */
const AUTH_LIMIT = 6;
const THRESHOLD = 3;

/**
 * The request limits and the login backoff are counted in Redis with REDIS_URL, so that two
 * instances behind one balancer allow what one would, not twice as much; and with Redis gone each
 * instance counts in its own memory again instead of failing requests. Each test comes from its
 * own client address (X-Forwarded-For, with TRUST_PROXY=loopback), so that the per-IP counters of
 * one do not reach into another.
 */
describeWithPostgres(
  'The backend on two instances: shared request limits and login backoff (REDIS_URL)',
  () => {
    let cluster: BackendCluster;

    beforeAll(async () => {
      cluster = await BackendCluster.start(2, {
        TRUST_PROXY: 'loopback',
        THROTTLE_AUTH_LIMIT: String(AUTH_LIMIT),
        THROTTLE_AUTH_TTL_MS: '600000',
        LOGIN_BACKOFF_THRESHOLD: String(THRESHOLD),
        LOGIN_BACKOFF_BASE_MS: '60000',
        LOGIN_BACKOFF_MAX_MS: '600000',
      });
    });

    afterAll(async () => {
      await cluster.stop();
    });

    /** `POST /auth/login` on instance `index` from client address `ip`. */
    function login(
      index: number,
      ip: string,
      username: string,
      password: string,
    ): Promise<JsonReply> {
      return jsonRequest(`${cluster.instances[index].httpUrl}/auth/login`, {
        method: 'POST',
        body: { username, password },
        headers: { 'x-forwarded-for': ip },
        timeoutMs: 10_000,
      });
    }

    it('backs a username off after failures spread over both instances, on both', async () => {
      const [first] = cluster.instances;
      await signUp(first.httpUrl, 'ada');
      // Failures 1 and 3 on the first instance, 2 on the second: each instance alone saw fewer
      // than the threshold, together they reach it.
      for (let failure = 1; failure <= THRESHOLD; failure++) {
        const reply = await login(
          failure % 2 === 1 ? 0 : 1,
          `198.51.100.${failure}`,
          'ada',
          'guess',
        );
        expect(reply.status).toBe(401);
      }
      for (const index of [0, 1]) {
        // Even the right password waits: the attacker must not learn it in the window.
        const refused = await login(index, '198.51.100.9', 'ada', PASSWORD);
        expect(refused.status).toBe(429);
        const retryAfter = Number(refused.headers.get('retry-after'));
        expect(retryAfter).toBeGreaterThan(50);
        expect(retryAfter).toBeLessThanOrEqual(60);
      }
      // Another username is not touched.
      await signUp(cluster.instances[1].httpUrl, 'bea');
      expect((await login(0, '198.51.100.10', 'bea', PASSWORD)).status).toBe(200);
    });

    it('counts one client address across both instances: the limit of one holds for two', async () => {
      const statuses: number[] = [];
      for (let n = 0; n < AUTH_LIMIT + 2; n++) {
        const reply = await login(n % 2, '203.0.113.7', `nobody${n}`, 'guess');
        statuses.push(reply.status);
        if (reply.status === 429)
          expect(Number(reply.headers.get('retry-after'))).toBeGreaterThan(0);
      }
      expect(statuses).toEqual([...Array(AUTH_LIMIT).fill(401), 429, 429]);
      // Another address has its own count.
      expect((await login(1, '203.0.113.8', 'nobody', 'guess')).status).toBe(401);
    });

    it('counts in memory while Redis is down, answering at once, never 500; shares again once it is back', async () => {
      let names = 0;
      /** A wrong password for a username never used before (so no username is backed off). */
      const guess = (index: number, ip: string) => login(index, ip, `stranger${++names}`, 'guess');
      const { redis } = cluster;
      await redis.kill();
      try {
        for (const index of [0, 1]) {
          const reply = await guess(index, '192.0.2.1');
          expect(reply.status).toBe(401);
          expect(reply.elapsedMs).toBeLessThan(2_000);
        }
        // The limit still holds, per instance: the first instance's sixth request from this
        // address is its last, the seventh is refused.
        const statuses: number[] = [];
        for (let n = 1; n < AUTH_LIMIT + 1; n++)
          statuses.push((await guess(0, '192.0.2.1')).status);
        expect(statuses).toEqual([...Array(AUTH_LIMIT - 1).fill(401), 429]);
      } finally {
        await redis.restart();
      }
      // Back on Redis (its counts went with it), once each instance's command connection has
      // reconnected: alternating requests from a fresh address are counted together again. Counted
      // apart, none of these would be refused.
      const shared = [...Array(AUTH_LIMIT).fill(401), 429];
      const deadline = Date.now() + 20_000;
      let statuses: number[] = [];
      for (let address = 10; Date.now() < deadline; address++) {
        statuses = [];
        for (let n = 0; n < AUTH_LIMIT + 1; n++) {
          statuses.push((await guess(n % 2, `192.0.2.${address}`)).status);
        }
        if (statuses.every((status, n) => status === shared[n])) break;
        expect(statuses).toEqual(Array(AUTH_LIMIT + 1).fill(401));
      }
      expect(statuses).toEqual(shared);
    });
  },
);

/**
 * Answer of `GET /health`: 200 with `ok` when everything is up, 200 with `degraded` when only
 * Redis is down (the instance serves its own connections and commits durable entries; the
 * others catch up when Redis is back), 503 with `unavailable` when the database is down.
 */
export interface HealthStatus {
  status: 'ok' | 'degraded' | 'unavailable';
  /** Whole seconds since the process started. */
  uptimeSeconds: number;
  database: 'up' | 'down';
  /** Present when `REDIS_URL` is set: whether this instance's cluster bus is connected. */
  redis?: 'up' | 'down';
}

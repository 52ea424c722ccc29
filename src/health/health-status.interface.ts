/** Answer of `GET /health`, with 200 when everything is up and 503 otherwise. */
export interface HealthStatus {
  status: 'ok' | 'unavailable';
  /** Whole seconds since the process started. */
  uptimeSeconds: number;
  database: 'up' | 'down';
}

/** The 401 of `GET /metrics` without the right METRICS_TOKEN (the same whatever was wrong). */
export function metricsTokenRequired(): string {
  return 'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>';
}

/** Injection token of this application's prom-client `Registry`. */
export const PROMETHEUS_REGISTRY = Symbol('metrics:registry');

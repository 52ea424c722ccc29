import request from 'supertest';
import { startBackend, type BackendTestApp } from './support/backend-test-app';

interface OpenApiDocument {
  openapi: string;
  paths: Record<
    string,
    Record<
      string,
      {
        security?: Record<string, string[]>[];
        parameters?: { name: string; in: string }[];
        requestBody?: unknown;
      }
    >
  >;
  components: {
    securitySchemes: Record<string, { type: string; scheme?: string; bearerFormat?: string }>;
    schemas: Record<
      string,
      { properties?: Record<string, Record<string, unknown>>; required?: string[] }
    >;
  };
}

/** Every route the app serves, as `METHOD /path` with OpenAPI's `{param}` syntax. */
function servedRoutes(backend: BackendTestApp): string[] {
  const router = (
    backend.app.getHttpAdapter().getInstance() as {
      router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] };
    }
  ).router;
  // `/{*path}` is middleware for every path (the request logger), which Nest mounts with `all()`.
  return router.stack
    .filter((layer) => layer.route !== undefined && layer.route.path !== '/{*path}')
    .flatMap(({ route }) =>
      Object.keys(route!.methods).map(
        (method) => `${method.toUpperCase()} ${route!.path.replace(/:(\w+)/g, '{$1}')}`,
      ),
    );
}

describe('OpenAPI document at /docs', () => {
  let backend: BackendTestApp;
  let document: OpenApiDocument;

  beforeAll(async () => {
    backend = await startBackend();
    document = (await request(backend.http).get('/docs-json').expect(200)).body as OpenApiDocument;
  });

  afterAll(() => backend.close());

  it('serves the UI and an OpenAPI 3 document', async () => {
    expect(document.openapi).toMatch(/^3\./);
    const page = await request(backend.http).get('/docs').redirects(1).expect(200);
    expect(page.text).toContain('swagger-ui');
  });

  it('describes every REST route the app serves (the demo page aside)', () => {
    const documented = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const rest = servedRoutes(backend).filter(
      (route) => !/^GET \/(demo\/|docs|$)/.test(route) && !route.startsWith('GET /docs'),
    );
    expect(rest.length).toBeGreaterThan(12);
    expect(documented.sort()).toEqual(rest.sort());
  });

  it('declares the bearer scheme and requires it where the guard does', () => {
    expect(document.components.securitySchemes.bearer).toEqual(
      expect.objectContaining({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }),
    );
    const secured = (method: string, path: string) =>
      (document.paths[path][method].security ?? []).some((entry) => 'bearer' in entry);
    expect(secured('post', '/reminders')).toBe(true);
    expect(secured('get', '/notifications')).toBe(true);
    expect(secured('post', '/auth/ws-ticket')).toBe(true);
    expect(secured('get', '/presence/{userId}')).toBe(true);
    expect(secured('post', '/auth/login')).toBe(false);
    expect(secured('get', '/health')).toBe(false);
    // The scraper's own credential (METRICS_TOKEN), not a user's JWT.
    expect(document.components.securitySchemes['metrics-token']).toEqual(
      expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    );
    expect(document.paths['/metrics'].get.security).toEqual([{ 'metrics-token': [] }]);
  });

  it("carries the DTOs' validation rules and the Idempotency-Key header", () => {
    const register = document.components.schemas.RegisterDto;
    expect(register.required).toEqual(expect.arrayContaining(['username', 'password']));
    expect(register.properties!.username).toEqual(
      expect.objectContaining({ minLength: 3, maxLength: 32, pattern: expect.any(String) }),
    );
    expect(register.properties!.password).toEqual(
      expect.objectContaining({ minLength: 8, maxLength: 128 }),
    );
    const snooze = document.components.schemas.SnoozeReminderDto;
    expect(snooze.properties!.minutes).toEqual(
      expect.objectContaining({ minimum: 1, maximum: 10_080 }),
    );
    const headers = (path: string) =>
      (document.paths[path].post.parameters ?? [])
        .filter((p) => p.in === 'header')
        .map((p) => p.name);
    expect(headers('/reminders')).toContain('Idempotency-Key');
    expect(headers('/notifications')).toContain('Idempotency-Key');
  });
});

import type { Express, Request } from 'express';
import type { IncomingMessage } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import request from 'supertest';
import { startBackend, type BackendTestApp } from './support/backend-test-app';

/**
 * The HTTP layer `configureApp` ships: security headers on every kind of response, CORS from
 * ALLOWED_ORIGINS, TRUST_PROXY reaching Express, and the server's keep-alive and headers timeouts.
 */
describe('Backend HTTP hardening', () => {
  let backend: BackendTestApp | undefined;

  afterEach(async () => {
    await backend?.close();
    backend = undefined;
  });

  describe('security headers', () => {
    beforeEach(async () => {
      backend = await startBackend();
    });

    it.each([
      ['the demo page', '/'],
      ['the health check', '/health'],
      ['an API route (401)', '/reminders'],
      ['an unknown route (404)', '/no-such-route'],
    ])('sets CSP and nosniff, and no X-Powered-By, on %s', async (_name, path) => {
      const response = await request(backend!.http).get(path);
      const csp = response.headers['content-security-policy'];
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("connect-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain('upgrade-insecure-requests');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(response.headers['strict-transport-security']).toBe('max-age=31536000');
      expect(response.headers['x-powered-by']).toBeUndefined();
    });

    it('allows inline styles (not scripts) on Swagger UI only', async () => {
      for (const path of ['/docs', '/docs/swagger-ui-init.js']) {
        const response = await request(backend!.http).get(path).expect(200);
        const csp = response.headers['content-security-policy'];
        expect(csp).toContain("style-src 'self' 'unsafe-inline'");
        expect(csp).toContain("script-src 'self';");
      }
      // Swagger UI's validator badge would be an image from validator.swagger.io: turned off.
      const init = await request(backend!.http).get('/docs/swagger-ui-init.js').expect(200);
      expect(init.text).toMatch(/"validatorUrl":\s*null/);
      const json = await request(backend!.http).get('/docs-json').expect(200);
      expect(json.headers['content-security-policy']).toMatch(/style-src 'self'(;|$)/);
    });

    it('sends no CORS headers while ALLOWED_ORIGINS is empty', async () => {
      const response = await request(backend!.http)
        .options('/auth/login')
        .set('origin', 'https://app.example.com')
        .set('access-control-request-method', 'POST');
      expect(response.headers['access-control-allow-origin']).toBeUndefined();
    });
  });

  describe('CORS from ALLOWED_ORIGINS', () => {
    const allowed = 'https://app.example.com';

    beforeEach(async () => {
      backend = await startBackend({ ALLOWED_ORIGINS: `${allowed},http://localhost:5173` });
    });

    function preflight(origin: string): request.Test {
      return request(backend!.http)
        .options('/reminders')
        .set('origin', origin)
        .set('access-control-request-method', 'POST')
        .set('access-control-request-headers', 'authorization,content-type');
    }

    it('answers a preflight from an allowed origin, without credentials', async () => {
      const response = await preflight(allowed).expect(204);
      expect(response.headers['access-control-allow-origin']).toBe(allowed);
      expect(response.headers['access-control-allow-methods']).toContain('POST');
      expect(response.headers['access-control-allow-headers']).toBe('authorization,content-type');
      expect(response.headers['access-control-allow-credentials']).toBeUndefined();
      expect(response.headers.vary).toContain('Origin');
    });

    it('gives another origin no Access-Control-Allow-Origin', async () => {
      const response = await preflight('https://evil.example.com');
      expect(response.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('lets an allowed origin read a real response, its Retry-After and X-Request-Id', async () => {
      const response = await request(backend!.http)
        .get('/health')
        .set('origin', allowed)
        .expect(200);
      expect(response.headers['access-control-allow-origin']).toBe(allowed);
      expect(response.headers['access-control-expose-headers']).toBe('Retry-After,X-Request-Id');
    });
  });

  describe('TRUST_PROXY', () => {
    /** `req.ip` as Express computed it for each request (its request prototype is set by then). */
    function recordIps(app: BackendTestApp): string[] {
      const seen: string[] = [];
      app.http.on('request', (req: IncomingMessage) => seen.push((req as Request).ip ?? ''));
      return seen;
    }

    function expressOf(app: BackendTestApp): Express {
      return app.app.getHttpAdapter().getInstance() as Express;
    }

    it('trusts no proxy by default: req.ip is the peer, whatever X-Forwarded-For says', async () => {
      backend = await startBackend();
      expect(expressOf(backend).get('trust proxy')).toBe(false);
      const ips = recordIps(backend);
      await request(backend.http).get('/health').set('x-forwarded-for', '203.0.113.7');
      expect(ips).toEqual(['127.0.0.1']);
    });

    it('with TRUST_PROXY=1, req.ip is the address the one proxy forwarded', async () => {
      backend = await startBackend({ TRUST_PROXY: '1' });
      expect(expressOf(backend).get('trust proxy')).toBe(1);
      const ips = recordIps(backend);
      await request(backend.http)
        .get('/health')
        .set('x-forwarded-for', '198.51.100.1, 203.0.113.7');
      expect(ips).toEqual(['203.0.113.7']);
    });

    it('with TRUST_PROXY=loopback, the local proxy is trusted hop by hop', async () => {
      backend = await startBackend({ TRUST_PROXY: 'loopback' });
      expect(expressOf(backend).get('trust proxy')).toEqual(['loopback']);
      const ips = recordIps(backend);
      await request(backend.http).get('/health').set('x-forwarded-for', '203.0.113.7, 127.0.0.1');
      expect(ips).toEqual(['203.0.113.7']);
    });
  });

  describe('HTTP server timeouts', () => {
    it('keeps idle connections 65 s and waits 66 s for headers by default', async () => {
      backend = await startBackend();
      expect(backend.http.keepAliveTimeout).toBe(65_000);
      expect(backend.http.headersTimeout).toBe(66_000);
    });

    it('applies KEEP_ALIVE_TIMEOUT_MS and HEADERS_TIMEOUT_MS', async () => {
      backend = await startBackend({ KEEP_ALIVE_TIMEOUT_MS: '1500', HEADERS_TIMEOUT_MS: '4000' });
      expect(backend.http.keepAliveTimeout).toBe(1_500);
      expect(backend.http.headersTimeout).toBe(4_000);
    });

    it('closes an idle keep-alive connection after KEEP_ALIVE_TIMEOUT_MS', async () => {
      backend = await startBackend({ KEEP_ALIVE_TIMEOUT_MS: '300' });
      const { port } = backend.http.address() as AddressInfo;
      const socket = connect(port, '127.0.0.1');
      const closed = new Promise<number>((resolve) =>
        socket.once('close', () => resolve(Date.now())),
      );
      let answered = 0;
      socket.on('data', () => (answered = answered || Date.now()));
      socket.write('GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n');
      const closedAt = await closed;
      expect(answered).toBeGreaterThan(0);
      // Not closed with the response, but held about 300 ms (timers may fire a little early).
      expect(closedAt - answered).toBeGreaterThanOrEqual(250);
      expect(closedAt - answered).toBeLessThan(5_000);
    });
  });
});

import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet, { type HelmetOptions } from 'helmet';

/** Path of Swagger UI (see `setupOpenApi`), the one page that needs inline styles. */
export const DOCS_PATH = '/docs';

/**
 * The Content-Security-Policy of every response but Swagger UI's. The demo page loads its
 * script, stylesheet and API from its own origin and opens its WebSocket to the same host:
 * CSP Level 3 lets `'self'` match `ws:`/`wss:` to the page's own host and port (Chromium,
 * Firefox, Safari 15.4+), so `connect-src 'self'` covers it without naming the host.
 */
const DIRECTIVES = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'connect-src': ["'self'"],
  'font-src': ["'self'", 'data:'],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  'img-src': ["'self'", 'data:'],
  'object-src': ["'none'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'"],
  // Helmet adds upgrade-insecure-requests by default; it would turn the demo's ws:// into
  // wss:// on a plain-HTTP deployment (development, TLS-less test setups) and break it.
  'upgrade-insecure-requests': null,
} as const;

/** Everything helmet sets, with {@link DIRECTIVES} as the policy. */
function helmetOptions(directives: Record<string, readonly string[] | null>): HelmetOptions {
  return {
    contentSecurityPolicy: { useDefaults: false, directives },
    // The backend cannot know whether sibling subdomains serve HTTPS, so it pins only itself.
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: false },
  };
}

/**
 * Helmet's security headers (CSP, `X-Content-Type-Options: nosniff`, HSTS, frame and referrer
 * policies; `X-Powered-By` removed) for every HTTP response. Swagger UI's HTML carries
 * `<style>` blocks and `style` attributes, so `/docs` alone also allows inline styles; no page
 * allows inline scripts (Swagger UI's init is served as `swagger-ui-init.js`).
 */
export function securityHeaders(): RequestHandler {
  const everywhere = helmet(helmetOptions(DIRECTIVES));
  const docs = helmet(helmetOptions({ ...DIRECTIVES, 'style-src': ["'self'", "'unsafe-inline'"] }));
  return (request: Request, response: Response, next: NextFunction) => {
    const isDocs = request.path === DOCS_PATH || request.path.startsWith(`${DOCS_PATH}/`);
    (isDocs ? docs : everywhere)(request, response, next);
  };
}

/** What a redacted value is logged as. */
export const REDACTED = '[Redacted]';

/** Query parameters that carry a credential (WebSocket handshakes: `?ticket=`, `?token=`). */
const CREDENTIAL_PARAMETERS: ReadonlySet<string> = new Set(['ticket', 'token']);

/**
 * `url` with the values of its credential query parameters replaced by {@link REDACTED}, the
 * rest byte for byte. Names are compared decoded and case-insensitively, since `?tok%65n=`
 * reaches the application as `token`.
 */
export function redactUrl(url: string): string {
  const queryStart = url.indexOf('?');
  if (queryStart === -1) return url;
  const pairs = url.slice(queryStart + 1).split('&');
  let changed = false;
  for (let i = 0; i < pairs.length; i++) {
    const equals = pairs[i].indexOf('=');
    const rawName = equals === -1 ? pairs[i] : pairs[i].slice(0, equals);
    if (CREDENTIAL_PARAMETERS.has(decodeName(rawName).toLowerCase())) {
      pairs[i] = `${rawName}=${REDACTED}`;
      changed = true;
    }
  }
  return changed ? `${url.slice(0, queryStart)}?${pairs.join('&')}` : url;
}

/** A query parameter name as URLSearchParams reads it; a malformed one as it is. */
function decodeName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}

/** The request as pino-std-serializers maps it, before our serializer picks from it. */
export interface SerializedRequest {
  id?: unknown;
  method?: string;
  url?: string;
  headers?: Record<string, unknown>;
  remoteAddress?: string;
  remotePort?: number;
}

/**
 * pino's `req` serializer (for every line that carries a request, pino-http's and any other):
 * method, URL and headers with their credentials redacted, peer. Leaves out `query` and
 * `params`, which would repeat the query string's credentials, and never touches the body.
 */
export function serializeRequest(request: SerializedRequest): SerializedRequest {
  const headers = { ...request.headers };
  if (headers.authorization !== undefined) headers.authorization = REDACTED;
  if (headers.cookie !== undefined) headers.cookie = REDACTED;
  return {
    id: request.id,
    method: request.method,
    url: request.url === undefined ? undefined : redactUrl(request.url),
    headers,
    remoteAddress: request.remoteAddress,
    remotePort: request.remotePort,
  };
}

/** The response as pino-std-serializers maps it. */
export interface SerializedResponse {
  statusCode?: number;
  headers?: Record<string, unknown>;
}

/**
 * pino-http's `res` serializer: the status only. The response headers are the same security
 * headers on every line, and a `Set-Cookie` among them would be a credential.
 */
export function serializeResponse(response: SerializedResponse): SerializedResponse {
  return { statusCode: response.statusCode };
}

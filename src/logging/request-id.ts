import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Header a request id arrives in (from a proxy or a client) and is answered in. */
export const REQUEST_ID_HEADER = 'X-Request-Id';

/**
 * What an incoming id may look like to be reused: bounded, and only characters that cannot
 * break a log line or a header (a UUID, a ULID, nginx's `$request_id`, a trace id all fit).
 */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * pino-http's `genReqId`: the caller's `X-Request-Id` when it is sane, so one id follows a
 * request through the proxy and the backend; otherwise a new UUID. Either way the response
 * carries it back, so a client reporting a problem can quote it.
 */
export function requestIdOf(request: IncomingMessage, response: ServerResponse): string {
  const incoming = request.headers['x-request-id'];
  const id =
    typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
  response.setHeader(REQUEST_ID_HEADER, id);
  return id;
}

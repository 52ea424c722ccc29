/** What a test reads from an HTTP answer. */
export interface JsonReply {
  status: number;
  /** The parsed JSON body; `undefined` for an empty one. */
  body: any;
  headers: Headers;
  /** Wall time from sending to the whole body, ms. */
  elapsedMs: number;
}

/** A request to a backend this test started: JSON in and out, a bearer token, a time bound. */
export async function jsonRequest(
  url: string,
  options: {
    method?: string;
    token?: string;
    body?: unknown;
    headers?: Record<string, string>;
    timeoutMs: number;
  },
): Promise<JsonReply> {
  const { method = 'GET', token, body, headers, timeoutMs } = options;
  const started = performance.now();
  const response = await fetch(url, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text === '' ? undefined : JSON.parse(text),
    headers: response.headers,
    elapsedMs: Math.round(performance.now() - started),
  };
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestIdOf } from './request-id';

/** The id chosen for a request with `header` as its X-Request-Id, and the header answered. */
function choose(header: string | string[] | undefined): { id: string; answered: unknown } {
  const headers: Record<string, unknown> = {};
  const response = {
    setHeader: (name: string, value: unknown) => (headers[name.toLowerCase()] = value),
  } as unknown as ServerResponse;
  const request = { headers: { 'x-request-id': header } } as unknown as IncomingMessage;
  const id = requestIdOf(request, response);
  return { id, answered: headers['x-request-id'] };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('requestIdOf', () => {
  it('keeps a sane incoming id and answers it', () => {
    expect(choose('edge-1.2:3_x')).toEqual({ id: 'edge-1.2:3_x', answered: 'edge-1.2:3_x' });
  });

  it('makes a UUID for a missing, overlong, unsafe or repeated header, and answers it', () => {
    for (const header of [undefined, '', 'x'.repeat(129), 'a b', 'a\u00e9', ['a', 'b']]) {
      const { id, answered } = choose(header);
      expect(id).toMatch(UUID);
      expect(answered).toBe(id);
    }
  });
});

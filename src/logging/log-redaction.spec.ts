import { REDACTED, redactUrl, serializeRequest, serializeResponse } from './log-redaction';

describe('redactUrl', () => {
  it('replaces the values of ticket and token, keeping the rest of the URL as it is', () => {
    expect(redactUrl('/ws?ticket=abc.def&lastSeq=4&token=eyJ')).toBe(
      `/ws?ticket=${REDACTED}&lastSeq=4&token=${REDACTED}`,
    );
    expect(redactUrl('/health/live')).toBe('/health/live');
    expect(redactUrl('/a?b=1&c')).toBe('/a?b=1&c');
  });

  it('compares names decoded and case-insensitively, as a reader of the query would', () => {
    expect(redactUrl('/ws?tok%65n=x')).toBe(`/ws?tok%65n=${REDACTED}`);
    expect(redactUrl('/ws?TICKET=x&ticket')).toBe(`/ws?TICKET=${REDACTED}&ticket=${REDACTED}`);
    expect(redactUrl('/ws?%E0%A4%A=1&token=y')).toBe(`/ws?%E0%A4%A=1&token=${REDACTED}`);
  });
});

describe('serializeRequest and serializeResponse', () => {
  it('keeps method, redacted URL, headers without credentials and peer; drops query and params', () => {
    const serialized = serializeRequest({
      id: 'r1',
      method: 'GET',
      url: '/x?token=t',
      headers: { authorization: 'Bearer t', cookie: 'a=b', host: 'h' },
      remoteAddress: '127.0.0.1',
      remotePort: 5000,
      query: { token: 't' },
    } as Parameters<typeof serializeRequest>[0]);
    expect(serialized).toEqual({
      id: 'r1',
      method: 'GET',
      url: `/x?token=${REDACTED}`,
      headers: { authorization: REDACTED, cookie: REDACTED, host: 'h' },
      remoteAddress: '127.0.0.1',
      remotePort: 5000,
    });
    expect(serializeResponse({ statusCode: 200, headers: { 'set-cookie': 's' } })).toEqual({
      statusCode: 200,
    });
  });
});

import { markWebSocketUpgrade, readHandshakeCredential } from './handshake-credentials';

/** A request as the adapter hands it to the guards: marked as a genuine upgrade. */
function upgrade(url: string, headers: Record<string, string> = {}) {
  const request = { headers: { upgrade: 'websocket', ...headers }, url };
  markWebSocketUpgrade(request);
  return request;
}

describe('readHandshakeCredential', () => {
  it('prefers the Authorization header', () => {
    expect(
      readHandshakeCredential(upgrade('/ws?ticket=t', { authorization: 'Bearer abc' })),
    ).toEqual({ source: 'bearer', value: 'abc' });
  });

  it('reads ?ticket= before ?token= on an upgrade', () => {
    expect(readHandshakeCredential(upgrade('/ws?token=x&ticket=t'))).toEqual({
      source: 'ticket',
      value: 't',
    });
    expect(readHandshakeCredential(upgrade('/ws?token=x'))).toEqual({
      source: 'token',
      value: 'x',
    });
  });

  it('ignores the query string of a request that is not an upgrade', () => {
    expect(readHandshakeCredential({ headers: {}, url: '/notifications?token=x' })).toBeUndefined();
  });

  it('ignores the query string of a request that only claims to be an upgrade', () => {
    // What a REST call with `Upgrade: websocket` looks like: the adapter never saw it.
    const claimed = { headers: { upgrade: 'websocket' }, url: '/notifications?token=x' };
    expect(readHandshakeCredential(claimed)).toBeUndefined();
  });

  it('ignores other authorization schemes and empty values', () => {
    expect(
      readHandshakeCredential({ headers: { authorization: 'Basic dTpw' }, url: '/' }),
    ).toBeUndefined();
    expect(readHandshakeCredential(upgrade('/ws?token='))).toBeUndefined();
  });
});

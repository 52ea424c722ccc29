import { readHandshakeCredential } from './handshake-credentials';

describe('readHandshakeCredential', () => {
  const upgrade = { upgrade: 'websocket' };

  it('prefers the Authorization header', () => {
    expect(
      readHandshakeCredential({
        headers: { ...upgrade, authorization: 'Bearer abc' },
        url: '/ws?ticket=t',
      }),
    ).toEqual({
      source: 'bearer',
      value: 'abc',
    });
  });

  it('reads ?ticket= before ?token= on an upgrade', () => {
    expect(readHandshakeCredential({ headers: upgrade, url: '/ws?token=x&ticket=t' })).toEqual({
      source: 'ticket',
      value: 't',
    });
    expect(readHandshakeCredential({ headers: upgrade, url: '/ws?token=x' })).toEqual({
      source: 'token',
      value: 'x',
    });
  });

  it('ignores the query string of a request that is not an upgrade', () => {
    expect(readHandshakeCredential({ headers: {}, url: '/notifications?token=x' })).toBeUndefined();
  });

  it('ignores other authorization schemes and empty values', () => {
    expect(
      readHandshakeCredential({ headers: { authorization: 'Basic dTpw' }, url: '/' }),
    ).toBeUndefined();
    expect(readHandshakeCredential({ headers: upgrade, url: '/ws?token=' })).toBeUndefined();
  });
});

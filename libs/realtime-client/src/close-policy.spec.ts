import { CLOSE_CODE_CATALOGUE } from '../../realtime/src/protocol/realtime-codes';
import { closePolicy } from './close-policy';

describe('close policy', () => {
  it("follows the server's catalogue for every code it sends", () => {
    for (const { code, reconnect } of CLOSE_CODE_CATALOGUE) {
      expect([code, closePolicy(code).reconnect]).toEqual([code, reconnect]);
    }
  });

  it('does not come back after a normal closure or a protocol error; does after unknown codes', () => {
    expect(closePolicy(1000).reconnect).toBe(false);
    expect(closePolicy(1002).reconnect).toBe(false);
    expect(closePolicy(1006).reconnect).toBe(true);
    expect(closePolicy(4999)).toEqual({ reconnect: true, name: 'code 4999' });
  });
});

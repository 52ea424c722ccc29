import { CLOSE_CODE_CATALOGUE, type ReminderFiring as ServerReminderFiring } from '@app/realtime';
import { closePolicy } from './close-policy';
import type { ReminderFiring } from './protocol';

/** `true` only when A and B are the same type; a mismatch fails `npm run typecheck`. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

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

  it("types pushes as the server's types (checked when the project is type-checked)", () => {
    const same: Same<ReminderFiring, ServerReminderFiring> = true;
    expect(same).toBe(true);
  });
});

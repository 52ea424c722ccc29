import { randomBytes } from 'node:crypto';
import type { DeliveryTarget } from '../delivery/delivery-target';
import {
  decode,
  encodeBatch,
  encodeDisconnect,
  encodeDurable,
  encodeLive,
  ORIGIN_BYTES,
  publishedBy,
  unbatch,
} from './cluster-envelope';

describe('cluster envelope', () => {
  const origin = randomBytes(ORIGIN_BYTES);
  const payload = Buffer.from('{"type":"note","data":{"text":"héllo"}}');

  it.each<DeliveryTarget>([
    { kind: 'user', userId: 'ünïcode-user' },
    { kind: 'room', room: 'team:42' },
    { kind: 'connection', connectionId: 'c-1' },
    { kind: 'all' },
  ])('carries a live publish to %j with its payload and origin', (target) => {
    const decoded = decode(encodeLive(origin, target, payload));

    expect(decoded?.origin.equals(origin)).toBe(true);
    expect(decoded?.message).toEqual({ kind: 'live', target, payload });
  });

  it('carries a durable entry with its user and seq', () => {
    const decoded = decode(encodeDurable(origin, 'alice', 9_007_199_254_740_991, payload));

    expect(decoded?.message).toEqual({
      kind: 'durable',
      userId: 'alice',
      seq: 9_007_199_254_740_991,
      payload,
    });
  });

  it("carries a command to close a user's connections", () => {
    expect(decode(encodeDisconnect(origin, 'alice', 1008, 'signed out'))?.message).toEqual({
      kind: 'disconnect',
      userId: 'alice',
      code: 1008,
      reason: 'signed out',
    });
  });

  it('reads nothing from a message that is not one of ours', () => {
    const valid = encodeDurable(origin, 'alice', 1, payload);
    expect(decode(Buffer.from('hello'))).toBeUndefined();
    expect(decode(valid.subarray(0, 1 + ORIGIN_BYTES + 2 + 3))).toBeUndefined();
    const unknownKind = Buffer.from(encodeLive(origin, { kind: 'all' }, payload));
    unknownKind[0] = 99;
    expect(decode(unknownKind)).toBeUndefined();
    const badCommand = encodeDisconnect(origin, 'alice', 1008, 'signed out');
    const json = badCommand.indexOf('{');
    expect(
      decode(Buffer.concat([badCommand.subarray(0, json), Buffer.from('{"code":"1008"}')])),
    ).toBeUndefined();
    expect(
      decode(Buffer.concat([badCommand.subarray(0, json), Buffer.from('not json')])),
    ).toBeUndefined();
  });

  it('carries several messages as one batch, in order, and reads a single message as itself', () => {
    const parts = [
      encodeLive(origin, { kind: 'user', userId: 'alice' }, payload),
      encodeDurable(origin, 'bob', 7, payload),
      encodeDisconnect(origin, 'carol', 1008, 'signed out'),
    ];
    const bytes = parts.reduce((sum, part) => sum + part.length, 0);
    const batch = encodeBatch(origin, parts, bytes);

    expect(publishedBy(batch, origin)).toBe(true);
    expect(publishedBy(batch, randomBytes(ORIGIN_BYTES))).toBe(false);
    expect(unbatch(batch)?.map((part) => decode(part)?.message)).toEqual(
      parts.map((part) => decode(part)?.message),
    );
    expect(unbatch(parts[0])).toEqual([parts[0]]);
    expect(unbatch(batch.subarray(0, batch.length - 1))).toBeUndefined();
    expect(unbatch(batch.subarray(0, 1 + ORIGIN_BYTES + 2))).toBeUndefined();
  });
});

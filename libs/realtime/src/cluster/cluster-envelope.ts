import type { DeliveryTarget } from '../delivery/delivery-target';

/** Message kinds on the bus: a live publish per target kind, a committed durable entry, or a command to close a user's connections. */
const KIND = { user: 1, room: 2, connection: 3, all: 4, durable: 5, disconnect: 6 } as const;

/** Length of an instance id on the wire. */
export const ORIGIN_BYTES = 16;

/** A bus message as read back. */
export type ClusterMessage =
  | { readonly kind: 'live'; readonly target: DeliveryTarget; readonly payload: Buffer }
  | {
      readonly kind: 'durable';
      readonly userId: string;
      readonly seq: number;
      readonly payload: Buffer;
    }
  | {
      readonly kind: 'disconnect';
      readonly userId: string;
      readonly code: number;
      readonly reason: string;
    };

/*
 * Layout: kind (1 byte) · origin instance (16 bytes) · key length (2 bytes, big-endian) and key
 * (UTF-8: the user id, room or connection id; empty for `all`) · for durable entries the seq
 * (8 bytes, a double) · the frame's JSON payload, as the sockets get it. Binary so that the
 * payload, already encoded once for the local sockets, travels as it is.
 */

/** Encodes a live publish. */
export function encodeLive(origin: Buffer, target: DeliveryTarget, payload: Buffer): Buffer {
  const key =
    target.kind === 'user'
      ? target.userId
      : target.kind === 'room'
        ? target.room
        : target.kind === 'connection'
          ? target.connectionId
          : '';
  return encode(KIND[target.kind], origin, key, undefined, payload);
}

/** Encodes a committed durable entry of `userId` at `seq`. */
export function encodeDurable(
  origin: Buffer,
  userId: string,
  seq: number,
  payload: Buffer,
): Buffer {
  return encode(KIND.durable, origin, userId, seq, payload);
}

/** Encodes a command to close every connection of `userId`. */
export function encodeDisconnect(
  origin: Buffer,
  userId: string,
  code: number,
  reason: string,
): Buffer {
  return encode(
    KIND.disconnect,
    origin,
    userId,
    undefined,
    Buffer.from(JSON.stringify({ code, reason })),
  );
}

/**
 * Decodes a bus message.
 *
 * @returns `undefined` for a message that is not one of ours (or of an incompatible version).
 */
export function decode(message: Buffer): { origin: Buffer; message: ClusterMessage } | undefined {
  if (message.length < 1 + ORIGIN_BYTES + 2) return undefined;
  const kind = message[0];
  const origin = message.subarray(1, 1 + ORIGIN_BYTES);
  const keyLength = message.readUInt16BE(1 + ORIGIN_BYTES);
  let offset = 1 + ORIGIN_BYTES + 2;
  if (message.length < offset + keyLength) return undefined;
  const key = message.toString('utf8', offset, offset + keyLength);
  offset += keyLength;
  if (kind === KIND.durable) {
    if (message.length < offset + 8) return undefined;
    const seq = message.readDoubleBE(offset);
    const payload = message.subarray(offset + 8);
    return { origin, message: { kind: 'durable', userId: key, seq, payload } };
  }
  const payload = message.subarray(offset);
  if (kind === KIND.disconnect) return decodeDisconnect(origin, key, payload);
  const target = targetOf(kind, key);
  return target === undefined ? undefined : { origin, message: { kind: 'live', target, payload } };
}

function decodeDisconnect(
  origin: Buffer,
  userId: string,
  payload: Buffer,
): { origin: Buffer; message: ClusterMessage } | undefined {
  try {
    const { code, reason } = JSON.parse(payload.toString('utf8')) as {
      code: unknown;
      reason: unknown;
    };
    if (typeof code !== 'number' || typeof reason !== 'string') return undefined;
    return { origin, message: { kind: 'disconnect', userId, code, reason } };
  } catch {
    return undefined;
  }
}

function targetOf(kind: number, key: string): DeliveryTarget | undefined {
  switch (kind) {
    case KIND.user:
      return { kind: 'user', userId: key };
    case KIND.room:
      return { kind: 'room', room: key };
    case KIND.connection:
      return { kind: 'connection', connectionId: key };
    case KIND.all:
      return { kind: 'all' };
    default:
      return undefined;
  }
}

function encode(
  kind: number,
  origin: Buffer,
  key: string,
  seq: number | undefined,
  payload: Buffer,
): Buffer {
  const keyLength = Buffer.byteLength(key);
  const head = 1 + ORIGIN_BYTES + 2 + keyLength + (seq === undefined ? 0 : 8);
  const message = Buffer.allocUnsafe(head + payload.length);
  message[0] = kind;
  origin.copy(message, 1);
  message.writeUInt16BE(keyLength, 1 + ORIGIN_BYTES);
  let offset = 1 + ORIGIN_BYTES + 2;
  offset += message.write(key, offset, 'utf8');
  if (seq !== undefined) offset = message.writeDoubleBE(seq, offset);
  payload.copy(message, offset);
  return message;
}

import type { DeliveryTarget } from '../delivery/delivery-target';

/**
 * Message kinds on the bus: a live publish per target kind, a committed durable entry, a
 * command to close a user's connections, or a batch of such messages.
 */
const KIND = {
  user: 1,
  room: 2,
  connection: 3,
  all: 4,
  durable: 5,
  disconnect: 6,
  batch: 7,
} as const;

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

/*
 * A batch: kind (1 byte) · origin (16 bytes) · then, for each message, its length (4 bytes,
 * big-endian) and the message itself, a whole envelope as above. What one instance published in
 * one turn of its event loop travels as one broker message.
 */

/** The size of a batch of messages whose lengths sum to `bytes`, `count` of them. */
export function batchLength(count: number, bytes: number): number {
  return 1 + ORIGIN_BYTES + 4 * count + bytes;
}

/** Encodes several messages (each from the encoders above) as one. */
export function encodeBatch(origin: Buffer, messages: readonly Buffer[], bytes: number): Buffer {
  const batch = Buffer.allocUnsafe(batchLength(messages.length, bytes));
  batch[0] = KIND.batch;
  origin.copy(batch, 1);
  let offset = 1 + ORIGIN_BYTES;
  for (const message of messages) {
    offset = batch.writeUInt32BE(message.length, offset);
    offset += message.copy(batch, offset);
  }
  return batch;
}

/** Whether the message was published by the instance `origin` (read without decoding it). */
export function publishedBy(message: Buffer, origin: Buffer): boolean {
  return message.length >= 1 + ORIGIN_BYTES && origin.compare(message, 1, 1 + ORIGIN_BYTES) === 0;
}

/**
 * The messages a batch carries (views into it, not copies), or the message itself when it is
 * not a batch; `undefined` for a truncated batch.
 */
export function unbatch(message: Buffer): Buffer[] | undefined {
  if (message[0] !== KIND.batch) return [message];
  const messages: Buffer[] = [];
  let offset = 1 + ORIGIN_BYTES;
  while (offset < message.length) {
    if (offset + 4 > message.length) return undefined;
    const length = message.readUInt32BE(offset);
    offset += 4;
    if (offset + length > message.length) return undefined;
    messages.push(message.subarray(offset, offset + length));
    offset += length;
  }
  return messages;
}

/**
 * Decodes a bus message (not a batch: {@link unbatch} first).
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

import { Injectable } from '@nestjs/common';
import { validateBuiltInPayload } from '../messaging/built-in-payload.validator';
import type { RealtimeConnection } from '../registry/realtime-connection';
import { AckRequestDto, ResumeRequestDto } from './delivery-request.dto';
import { DurableDelivery, type ResumeReply } from './durable-delivery.service';

/** Answer to `ack`. */
export interface AckReply {
  /** Highest seq acknowledged for the user so far. */
  ackedSeq: number;
}

/** Serves the built-in `ack` and `resume` messages. */
@Injectable()
export class DeliveryRequestHandler {
  constructor(private readonly delivery: DurableDelivery) {}

  /** @throws RealtimeException `VALIDATION_FAILED`, or `UNKNOWN_TYPE` without a delivery log. */
  async ack(connection: RealtimeConnection, data: unknown): Promise<AckReply> {
    const seq = wellFormedAck(data) ?? (await validateBuiltInPayload(AckRequestDto, data)).seq;
    const head = await this.delivery.ack(connection, seq);
    return { ackedSeq: head.ackedSeq };
  }

  /** @throws RealtimeException `VALIDATION_FAILED`, or `UNKNOWN_TYPE` without a delivery log. */
  async resume(connection: RealtimeConnection, data: unknown): Promise<ResumeReply> {
    const { lastSeq, epoch } = await validateBuiltInPayload(ResumeRequestDto, data);
    return this.delivery.resume(connection, lastSeq, epoch ?? undefined);
  }
}

/**
 * The seq of an ack that {@link AckRequestDto}'s validation would accept as it is (an object
 * whose only field is an integer `seq` from 1 to 2^53 − 1), or `undefined` for anything else,
 * which then goes through the full validation and its detailed error. Acks come once per
 * durable burst, so they skip class-validator's cost when they are well-formed.
 */
function wellFormedAck(data: unknown): number | undefined {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
  let fields = 0;
  for (const key in data) {
    if (key !== 'seq' || !Object.hasOwn(data, key)) return undefined;
    fields++;
  }
  const seq = (data as { seq?: unknown }).seq;
  return fields === 1 && Number.isSafeInteger(seq) && (seq as number) >= 1
    ? (seq as number)
    : undefined;
}

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
    const { seq } = await validateBuiltInPayload(AckRequestDto, data);
    const head = await this.delivery.ack(connection, seq);
    return { ackedSeq: head.ackedSeq };
  }

  /** @throws RealtimeException `VALIDATION_FAILED`, or `UNKNOWN_TYPE` without a delivery log. */
  async resume(connection: RealtimeConnection, data: unknown): Promise<ResumeReply> {
    const { lastSeq } = await validateBuiltInPayload(ResumeRequestDto, data);
    return this.delivery.resume(connection, lastSeq);
  }
}

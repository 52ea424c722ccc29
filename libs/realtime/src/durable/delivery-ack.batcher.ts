import { Injectable } from '@nestjs/common';
import * as messages from '../realtime.messages';
import type { RealtimeConnection } from '../registry/realtime-connection';
import type { DeliveryLogAck, DeliveryLogHead } from './delivery-log-entry.interface';
import { AckBeyondLogError } from './delivery-log.errors';
import type { DeliveryLogStore } from './delivery-log.store';
import { invalidField } from './invalid-field';

/** An ack waiting for the next batch. */
interface WaitingAck extends DeliveryLogAck {
  resolve: (head: DeliveryLogHead) => void;
  reject: (error: unknown) => void;
}

/**
 * Writes acks in batches: those of a tick, and those sent while the previous batch was being
 * written, share one transaction; batches run one at a time. Acks are cumulative, so batching
 * changes nothing for each.
 */
@Injectable()
export class DeliveryAckBatcher {
  private acks: WaitingAck[] = [];
  private queued = false;
  private chain: Promise<void> = Promise.resolve();

  /** @throws RealtimeException `VALIDATION_FAILED` when `seq` is past the user's log. */
  ack(
    store: DeliveryLogStore,
    connection: RealtimeConnection,
    seq: number,
  ): Promise<DeliveryLogHead> {
    return new Promise((resolve, reject) => {
      this.acks.push({ userId: connection.userId, seq, resolve, reject });
      if (this.queued) return;
      this.queued = true;
      setImmediate(() => {
        this.chain = this.chain.then(() => this.write(store));
      });
    });
  }

  private async write(store: DeliveryLogStore): Promise<void> {
    this.queued = false;
    const batch = this.acks;
    this.acks = [];
    try {
      const results = await store.ackMany(batch);
      batch.forEach((ack, index) => {
        const result = results[index];
        if (result instanceof AckBeyondLogError) {
          ack.reject(
            invalidField('seq', 'withinLog', messages.ackBeyondLog(ack.seq, result.lastSeq)),
          );
        } else {
          ack.resolve(result);
        }
      });
    } catch (error) {
      for (const ack of batch) ack.reject(error);
    }
  }
}

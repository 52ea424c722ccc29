import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { DeliveryTarget } from '../delivery/delivery-target';
import { LocalRealtimeBus } from '../delivery/local-realtime.bus';
import { PreparedFrame } from '../delivery/prepared-frame';
import type { RealtimeBus } from '../delivery/realtime-bus.interface';
import { DurablePositionTracker } from '../durable/durable-position.tracker';
import { DurableStreamSequencer } from '../durable/durable-stream.sequencer';
import type { SequencedFrame } from '../durable/sequenced-frame';
import type { ResolvedRealtimeOptions } from '../options/resolved-realtime-options.interface';
import { REALTIME_OPTIONS } from '../realtime.constants';
import * as messages from '../realtime.messages';
import {
  batchLength,
  decode,
  encodeBatch,
  encodeDisconnect,
  encodeDurable,
  encodeLive,
  ORIGIN_BYTES,
  publishedBy,
  unbatch,
} from './cluster-envelope';
import { RealtimeMetrics } from '../metrics/realtime-metrics';
import type { ClusterTransport } from './cluster-transport.interface';

/** A batch is sent as soon as it holds this many bytes, without waiting for the turn to end. */
const MAX_BATCH_BYTES = 256 * 1024;

/**
 * The module's bus (`REALTIME_BUS`). Without a `cluster` transport it is the local bus. With
 * one it delivers to this instance's connections, as the local bus does, and publishes the same
 * frame once to the other instances through the {@link ClusterTransport}; what they publish it
 * delivers here. One publish per call, never one
 * per socket; each instance builds the wire frame once for all of its sockets.
 *
 * What one turn of the event loop publishes (a loop of `toUser` calls, a group commit's
 * entries) goes out together, at the end of that turn, as one broker message: the broker, and
 * every instance receiving, handle one message instead of many, and the order of publishes is
 * kept. A single publish goes out as it is.
 *
 * A publish the transport cannot take (the broker is down) is dropped for the other instances
 * and never throws into the caller: local delivery goes on. Durable entries are not lost with
 * it — every instance catches its connections up from the log when the transport is back.
 */
@Injectable()
export class ClusterRealtimeBus
  implements RealtimeBus, OnApplicationBootstrap, BeforeApplicationShutdown
{
  private readonly logger = new Logger('RealtimeCluster');
  /** This instance on the bus: messages it published come back to it and are skipped. */
  private readonly origin = randomBytes(ORIGIN_BYTES);
  private readonly transport: ClusterTransport | undefined;
  /** Whether a failed publish was logged since the transport was last up (one line per outage). */
  private publishFailureLogged = false;
  /** Messages of this turn not yet handed to the transport, in publish order. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private readonly flushPending = (): void => this.flush();

  constructor(
    @Inject(REALTIME_OPTIONS) options: ResolvedRealtimeOptions,
    private readonly local: LocalRealtimeBus,
    private readonly positions: DurablePositionTracker,
    private readonly sequencer: DurableStreamSequencer,
    private readonly metrics: RealtimeMetrics,
  ) {
    this.transport = options.cluster;
  }

  onApplicationBootstrap(): void {
    this.transport?.start({
      message: (payload) => this.receive(payload),
      up: () => {
        this.publishFailureLogged = false;
        this.logger.log(messages.clusterTransportUp());
        // What was published while this instance was not subscribed is lost to it.
        void this.sequencer.checkPositions();
      },
      down: (error) => this.logger.warn(messages.clusterTransportDown(error)),
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.flush();
    await this.transport?.stop();
  }

  publish(target: DeliveryTarget, frame: PreparedFrame): number {
    const reached = this.local.publish(target, frame);
    if (this.canSend()) this.send(encodeLive(this.origin, target, frame.payload));
    return reached;
  }

  disconnectUser(userId: string, code: number, reason: string): number {
    const closed = this.local.disconnectUser(userId, code, reason);
    if (this.canSend()) this.send(encodeDisconnect(this.origin, userId, code, reason));
    return closed;
  }

  forwardDurable(item: SequencedFrame): void {
    if (this.canSend()) {
      this.send(encodeDurable(this.origin, item.userId, item.seq, item.frame.payload));
    }
  }

  /**
   * Whether there is a transport and it is up. Checked before encoding: a message nobody can
   * receive would only cost the caller. While down, logs once per outage.
   */
  private canSend(): boolean {
    const transport = this.transport;
    if (transport === undefined) return false;
    if (transport.state === 'up') return true;
    this.publishFailed(transport);
    return false;
  }

  /** Queues a message for the other instances, sent at the end of this turn with the others. */
  private send(message: Buffer): void {
    this.metrics.busPublished++;
    if (this.pending.length === 0) queueMicrotask(this.flushPending);
    this.pending.push(message);
    this.pendingBytes += message.length;
    if (batchLength(this.pending.length, this.pendingBytes) >= MAX_BATCH_BYTES) this.flush();
  }

  /** Hands this turn's messages to the transport: one as it is, several as one batch. */
  private flush(): void {
    const { pending, transport } = this;
    if (pending.length === 0 || transport === undefined) return;
    const payload =
      pending.length === 1 ? pending[0] : encodeBatch(this.origin, pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    if (!transport.publish(payload)) this.publishFailed(transport);
  }

  private publishFailed(transport: ClusterTransport): void {
    if (this.publishFailureLogged) return;
    this.publishFailureLogged = true;
    this.logger.warn(messages.clusterPublishFailed(transport.state));
  }

  private receive(payload: Buffer): void {
    // Its own messages come back to it: skipped before anything is decoded.
    if (publishedBy(payload, this.origin)) return;
    const parts = unbatch(payload);
    if (parts === undefined) return;
    for (const part of parts) this.receiveOne(part);
  }

  private receiveOne(payload: Buffer): void {
    const decoded = decode(payload);
    if (decoded === undefined) return;
    this.metrics.busReceived++;
    const { message } = decoded;
    if (message.kind === 'live') {
      this.local.publish(message.target, PreparedFrame.fromPayload(message.payload));
    } else if (message.kind === 'disconnect') {
      this.local.disconnectUser(message.userId, message.code, message.reason);
    } else {
      this.positions.pushLive({
        userId: message.userId,
        seq: message.seq,
        frame: PreparedFrame.fromPayload(message.payload),
      });
    }
  }
}

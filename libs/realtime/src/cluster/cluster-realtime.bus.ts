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
  decode,
  encodeDisconnect,
  encodeDurable,
  encodeLive,
  ORIGIN_BYTES,
} from './cluster-envelope';
import type { ClusterTransport } from './cluster-transport.interface';

/**
 * The module's bus (`REALTIME_BUS`). Without a `cluster` transport it is the local bus. With
 * one it delivers to this instance's connections, as the local bus does, and publishes the same
 * frame once to the other instances through the {@link ClusterTransport}; what they publish it
 * delivers here. One publish per call, never one
 * per socket; each instance builds the wire frame once for all of its sockets.
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

  constructor(
    @Inject(REALTIME_OPTIONS) options: ResolvedRealtimeOptions,
    private readonly local: LocalRealtimeBus,
    private readonly positions: DurablePositionTracker,
    private readonly sequencer: DurableStreamSequencer,
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
    await this.transport?.stop();
  }

  publish(target: DeliveryTarget, frame: PreparedFrame): number {
    const reached = this.local.publish(target, frame);
    const transport = this.transport;
    if (transport !== undefined) {
      this.send(transport, () => encodeLive(this.origin, target, frame.payload));
    }
    return reached;
  }

  disconnectUser(userId: string, code: number, reason: string): number {
    const closed = this.local.disconnectUser(userId, code, reason);
    const transport = this.transport;
    if (transport !== undefined) {
      this.send(transport, () => encodeDisconnect(this.origin, userId, code, reason));
    }
    return closed;
  }

  forwardDurable(item: SequencedFrame): void {
    const transport = this.transport;
    if (transport === undefined) return;
    this.send(transport, () =>
      encodeDurable(this.origin, item.userId, item.seq, item.frame.payload),
    );
  }

  /** Publishes to the other instances if the transport is up; logs once per outage if not. */
  private send(transport: ClusterTransport, encode: () => Buffer): void {
    // Skipped while down: encoding a message nobody can receive would only cost the caller.
    if (transport.state === 'up' && transport.publish(encode())) return;
    if (!this.publishFailureLogged) {
      this.publishFailureLogged = true;
      this.logger.warn(messages.clusterPublishFailed(transport.state));
    }
  }

  private receive(payload: Buffer): void {
    const decoded = decode(payload);
    if (decoded === undefined || decoded.origin.equals(this.origin)) return;
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

import { Injectable } from '@nestjs/common';
import { ConnectionRegistry } from '../registry/connection-registry';
import { MetricHistogram, type HistogramSnapshot } from './metric-histogram';

/** Milliseconds: from a fast local commit to a stalled database. */
const LATENCY_MS_BOUNDS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];
/** Entries: one, a group commit, a big replay page. */
const SIZE_BOUNDS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 5000];
/** Milliseconds a reminder fired after it was due: on time, a slow round, a catch-up after downtime. */
const LATENESS_MS_BOUNDS = [10, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000];

/** Label of messages that could not be read (so had no type). */
export const UNPARSED_MESSAGE_TYPE = '(unparsed)';
/** Label of messages of a type nothing handles: client-chosen names must not become labels. */
export const UNKNOWN_MESSAGE_TYPE = '(unknown)';

/** Adds one to `key`'s count. */
function countIn<K>(counts: Map<K, number>, key: K): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/** Everything {@link RealtimeMetrics} counts, read at one moment. */
export interface RealtimeMetricsSnapshot {
  /** Connections open on this instance. */
  readonly openConnections: number;
  /** Upgrade requests by the HTTP status they got (`101` accepted). */
  readonly handshakes: ReadonlyMap<number, number>;
  /**
   * Inbound messages by type. Types are those a handler or a built-in serves; others are
   * `'(unknown)'`, unreadable frames `'(unparsed)'`.
   */
  readonly messages: ReadonlyMap<string, number>;
  /** Of those, the ones answered with an error, by type and error code. */
  readonly messageErrors: ReadonlyMap<string, ReadonlyMap<string, number>>;
  /** Frames pushed (fan-outs, durable entries, heartbeats) and their payload bytes. */
  readonly pushedFrames: number;
  readonly pushedBytes: number;
  /** Frames written for one connection: replies, errors, `resume`. */
  readonly directFrames: number;
  /** Connections closed, by close code (`1006`: the connection dropped without a close frame). */
  readonly closes: ReadonlyMap<number, number>;
  /** Durable group commits: how long each took and how many entries it held. */
  readonly durableCommitLatencyMs: HistogramSnapshot;
  readonly durableCommitEntries: HistogramSnapshot;
  /** Entries replayed per catch-up (`resume`, `?lastSeq=`, a gap read). */
  readonly replayEntries: HistogramSnapshot;
  /** Gaps between live durable entries filled by a read from the log. */
  readonly gapReads: number;
  /** Entries reported undelivered (`onUndelivered`). */
  readonly undeliveredEntries: number;
  /** How late reminders fired, after their due time. */
  readonly reminderLatenessMs: HistogramSnapshot;
  /** Cluster bus messages sent to and received from the other instances. */
  readonly busPublished: number;
  readonly busReceived: number;
}

/**
 * The module's counters, for an application to export (Prometheus, StatsD, a health page):
 * inject it and read {@link snapshot} when scraped. Counting is a field increment on the paths
 * that matter (no allocation, no dependency); everything else is computed on read. Counters
 * only grow, from the start of the process.
 *
 * @example
 * ```ts
 * const metrics = app.get(RealtimeMetrics);
 * const { openConnections, pushedFrames } = metrics.snapshot();
 * ```
 */
@Injectable()
export class RealtimeMetrics {
  /** @internal */ pushedFrames = 0;
  /** @internal */ pushedBytes = 0;
  /** @internal */ directFrames = 0;
  /** @internal */ gapReads = 0;
  /** @internal */ undeliveredEntries = 0;
  /** @internal */ busPublished = 0;
  /** @internal */ busReceived = 0;
  private readonly handshakes = new Map<number, number>();
  private readonly messages = new Map<string, number>();
  private readonly messageErrors = new Map<string, Map<string, number>>();
  private readonly closes = new Map<number, number>();
  /** @internal */ readonly durableCommitLatencyMs = new MetricHistogram(LATENCY_MS_BOUNDS);
  /** @internal */ readonly durableCommitEntries = new MetricHistogram(SIZE_BOUNDS);
  /** @internal */ readonly replayEntries = new MetricHistogram(SIZE_BOUNDS);
  /** @internal */ readonly reminderLatenessMs = new MetricHistogram(LATENESS_MS_BOUNDS);

  constructor(private readonly registry: ConnectionRegistry) {}

  /** @internal An upgrade request answered with `status`. */
  handshake(status: number): void {
    countIn(this.handshakes, status);
  }

  /** @internal A message of `type` (a known type, or one of the two labels above) came in. */
  received(type: string): void {
    countIn(this.messages, type);
  }

  /** @internal A message of `type` was answered with the error `code`. */
  failed(type: string, code: string): void {
    let codes = this.messageErrors.get(type);
    if (codes === undefined) this.messageErrors.set(type, (codes = new Map<string, number>()));
    countIn(codes, code);
  }

  /** @internal A connection closed with `code`. */
  closed(code: number): void {
    countIn(this.closes, code);
  }

  snapshot(): RealtimeMetricsSnapshot {
    const messageErrors = new Map<string, ReadonlyMap<string, number>>();
    for (const [type, codes] of this.messageErrors) messageErrors.set(type, new Map(codes));
    return {
      openConnections: this.registry.size,
      handshakes: new Map(this.handshakes),
      messages: new Map(this.messages),
      messageErrors,
      pushedFrames: this.pushedFrames,
      pushedBytes: this.pushedBytes,
      directFrames: this.directFrames,
      closes: new Map(this.closes),
      durableCommitLatencyMs: this.durableCommitLatencyMs.snapshot(),
      durableCommitEntries: this.durableCommitEntries.snapshot(),
      replayEntries: this.replayEntries.snapshot(),
      gapReads: this.gapReads,
      undeliveredEntries: this.undeliveredEntries,
      reminderLatenessMs: this.reminderLatenessMs.snapshot(),
      busPublished: this.busPublished,
      busReceived: this.busReceived,
    };
  }
}

import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import {
  RealtimeMetrics,
  type HistogramSnapshot,
  type RealtimeMetricsSnapshot,
} from '@nest-realtime/core';
import type { Registry } from 'prom-client';
import { PROMETHEUS_REGISTRY } from './metrics.constants';
import { registerSnapshotMetrics, SnapshotMetric, type SnapshotSample } from './snapshot.metric';

const PREFIX = 'nest_realtime_';

/**
 * Exposes the realtime library's counters ({@link RealtimeMetrics}) as Prometheus metrics. The
 * library counts with plain field increments; this reads them when scraped and turns them into
 * samples, so exporting costs the hot paths nothing.
 */
@Injectable()
export class RealtimeMetricsExporter implements OnModuleInit {
  constructor(
    private readonly metrics: RealtimeMetrics,
    @Inject(PROMETHEUS_REGISTRY) private readonly registry: Registry,
  ) {}

  onModuleInit(): void {
    registerSnapshotMetrics(this.registry, this.build());
  }

  private build(): SnapshotMetric[] {
    type Pick = (snapshot: RealtimeMetricsSnapshot) => SnapshotSample[];
    const metric = (name: string, help: string, type: 'counter' | 'gauge', pick: Pick) =>
      new SnapshotMetric(PREFIX + name, help, type, () => pick(this.snapshot()));
    const histogram = (
      name: string,
      help: string,
      pick: (snapshot: RealtimeMetricsSnapshot) => HistogramSnapshot,
      divisor: number,
    ) =>
      new SnapshotMetric(PREFIX + name, help, 'histogram', () =>
        buckets(PREFIX + name, pick(this.snapshot()), divisor),
      );
    const single = (value: number): SnapshotSample[] => [{ value }];
    return [
      metric('connections', 'WebSocket connections open on this instance.', 'gauge', (s) =>
        single(s.openConnections),
      ),
      metric(
        'handshakes_total',
        'WebSocket upgrade requests, by the HTTP status answered (101: accepted).',
        'counter',
        (s) => byLabel(s.handshakes, 'status'),
      ),
      metric(
        'messages_total',
        'Inbound WebSocket messages, by type ((unknown): nothing serves it; (unparsed): unreadable).',
        'counter',
        (s) => byLabel(s.messages, 'type'),
      ),
      metric(
        'message_errors_total',
        'Inbound messages answered with an error, by type and error code.',
        'counter',
        (s) => nested(s.messageErrors, 'type', 'code'),
      ),
      metric(
        'pushed_frames_total',
        'Frames pushed to connections (fan-outs, durable entries, heartbeats).',
        'counter',
        (s) => single(s.pushedFrames),
      ),
      metric('pushed_bytes_total', 'Payload bytes of the frames pushed.', 'counter', (s) =>
        single(s.pushedBytes),
      ),
      metric(
        'direct_frames_total',
        'Frames written for one connection (replies, errors, resume).',
        'counter',
        (s) => single(s.directFrames),
      ),
      metric(
        'closes_total',
        'WebSocket connections closed, by close code (1006: dropped without a close frame; 4008: slow consumer; 1008: policy, e.g. rate limit or expired credential).',
        'counter',
        (s) => byLabel(s.closes, 'code'),
      ),
      histogram(
        'durable_commit_seconds',
        'Durable log commits: time to write one group.',
        (s) => s.durableCommitLatencyMs,
        1000,
      ),
      histogram(
        'durable_commit_entries',
        'Durable log commits: entries written per group.',
        (s) => s.durableCommitEntries,
        1,
      ),
      histogram(
        'replay_entries',
        'Durable entries replayed per catch-up (resume, ?lastSeq=, gap read).',
        (s) => s.replayEntries,
        1,
      ),
      metric(
        'gap_reads_total',
        'Gaps between live durable entries filled by reading the log.',
        'counter',
        (s) => single(s.gapReads),
      ),
      metric(
        'undelivered_entries_total',
        'Durable entries reported undelivered (not acknowledged in time).',
        'counter',
        (s) => single(s.undeliveredEntries),
      ),
      histogram(
        'reminder_lateness_seconds',
        'How late reminders fired after their due time.',
        (s) => s.reminderLatenessMs,
        1000,
      ),
      metric(
        'bus_published_total',
        'Cluster bus messages sent to the other instances.',
        'counter',
        (s) => single(s.busPublished),
      ),
      metric(
        'bus_received_total',
        'Cluster bus messages received from the other instances.',
        'counter',
        (s) => single(s.busReceived),
      ),
    ];
  }

  /** Read per metric: a snapshot is a few small copies, and scrapes come seconds apart. */
  private snapshot(): RealtimeMetricsSnapshot {
    return this.metrics.snapshot();
  }
}

function byLabel(values: ReadonlyMap<string | number, number>, label: string): SnapshotSample[] {
  return [...values].map(([key, value]) => ({ value, labels: { [label]: key } }));
}

function nested(
  values: ReadonlyMap<string, ReadonlyMap<string, number>>,
  outer: string,
  inner: string,
): SnapshotSample[] {
  const samples: SnapshotSample[] = [];
  for (const [first, counts] of values) {
    for (const [second, value] of counts) {
      samples.push({ value, labels: { [outer]: first, [inner]: second } });
    }
  }
  return samples;
}

/** A histogram's Prometheus samples, its bounds divided by `divisor` (ms to seconds). */
function buckets(name: string, histogram: HistogramSnapshot, divisor: number): SnapshotSample[] {
  const samples: SnapshotSample[] = histogram.bounds.map((bound, index) => ({
    metricName: `${name}_bucket`,
    labels: { le: bound / divisor },
    value: histogram.cumulative[index],
  }));
  samples.push({ metricName: `${name}_bucket`, labels: { le: '+Inf' }, value: histogram.count });
  samples.push({ metricName: `${name}_sum`, value: histogram.sum / divisor });
  samples.push({ metricName: `${name}_count`, value: histogram.count });
  return samples;
}

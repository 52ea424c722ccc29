import { Controller, Get, UseGuards } from '@nestjs/common';
import { RealtimeMetrics } from '@nest-realtime/core';
import { TokenGuard } from './token.guard';

/**
 * The module's counters as JSON. Export them to Prometheus, StatsD or a status page the same
 * way: read a snapshot when asked. Behind your guard: they are for operators.
 */
@Controller('realtime-stats')
@UseGuards(TokenGuard)
export class StatsController {
  constructor(private readonly metrics: RealtimeMetrics) {}

  @Get()
  stats() {
    const snapshot = this.metrics.snapshot();
    const commits = snapshot.durableCommitLatencyMs;
    return {
      openConnections: snapshot.openConnections,
      handshakes: Object.fromEntries(snapshot.handshakes),
      messages: Object.fromEntries(snapshot.messages),
      closes: Object.fromEntries(snapshot.closes),
      pushedFrames: snapshot.pushedFrames,
      pushedBytes: snapshot.pushedBytes,
      durableCommits: commits.count,
      durableCommitMeanMs: commits.count === 0 ? 0 : commits.sum / commits.count,
    };
  }
}

import { BASELINE, MeasurementTable, type Scenario, type ScenarioReport } from '../lib/harness';
import { quantile } from '../lib/stats';

/**
 * Fan-out: one push to every connected client. Server CPU µs per delivered message (the
 * target metric), delivered messages/s, and on an otherwise idle server the time for one
 * broadcast to reach everyone (p50/p99 over every recipient of a few broadcasts).
 */
export const fanout: Scenario = {
  name: 'fanout',
  async run(context) {
    const sizes = context.smoke ? [20] : [1000, 10000];
    const reports: ScenarioReport[] = [];
    for (const connections of sizes) {
      const rounds = context.smoke ? 5 : Math.max(30, Math.round(300_000 / connections));
      const table = new MeasurementTable();
      for (let rep = 0; rep < context.reps; rep++) {
        for (const kind of context.kinds) {
          const pair = await context.start(kind);
          try {
            await pair.clients.call('open', { count: connections, users: connections });
            let expected = 0;
            const push = async (count: number): Promise<void> => {
              const reached = await pair.server.call<number>('broadcast', { rounds: count });
              expected += count * connections;
              if (reached !== count * connections)
                throw new Error(`${kind}: reached ${reached} of ${count * connections}`);
              await pair.clients.call('waitFor', { total: expected, timeoutMs: 120_000 });
            };
            await push(context.smoke ? 1 : 10); // warm-up
            const cpuBefore = await pair.server.call<number>('cpu');
            const started = performance.now();
            await push(rounds);
            const wallMs = performance.now() - started;
            const cpuUs = (await pair.server.call<number>('cpu')) - cpuBefore;
            table.add(
              'server CPU per delivered message',
              'µs',
              kind,
              cpuUs / (rounds * connections),
            );
            table.add(
              'delivered messages per second',
              'msg/s',
              kind,
              (rounds * connections * 1000) / wallMs,
            );

            await pair.clients.call('sample', { on: true });
            for (let i = 0; i < 5; i++) await push(1);
            const latencies = await pair.clients.call<number[]>('sample', { on: false });
            if (latencies.length !== 5 * connections)
              throw new Error(`${kind}: ${latencies.length} latency samples`);
            table.add('broadcast reaches everyone p50', 'ms', kind, quantile(latencies, 0.5));
            table.add('broadcast reaches everyone p99', 'ms', kind, quantile(latencies, 0.99));
          } finally {
            await pair.stop();
          }
        }
      }
      reports.push({
        scenario: 'fanout',
        parameters: { connections, rounds },
        measurements: table.finish(BASELINE),
      });
    }
    return reports;
  },
};

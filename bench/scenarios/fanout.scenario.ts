import {
  BASELINE,
  costOf,
  measureSliced,
  MeasurementTable,
  rotation,
  withPairs,
  type Pair,
  type Scenario,
  type ScenarioReport,
} from '../lib/harness';
import { quantile } from '../lib/stats';

const CPU_METRIC = 'server CPU per delivered message';

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
      const slices = context.smoke ? 1 : 4;
      const rounds = context.smoke ? 5 : Math.max(40, Math.round(400_000 / connections));
      const table = new MeasurementTable();
      const delivered = new Map<Pair, number>();
      /** `count` broadcasts, checked: each reaches every socket and every client gets it. */
      const push = async (pair: Pair, count: number): Promise<void> => {
        const reached = await pair.server.call<number>('broadcast', { rounds: count });
        if (reached !== count * connections)
          throw new Error(`reached ${reached} of ${count * connections}`);
        const total = (delivered.get(pair) ?? 0) + reached;
        delivered.set(pair, total);
        await pair.clients.call('waitFor', { total, timeoutMs: 120_000 });
      };
      await withPairs(
        context,
        async (pair) => {
          await pair.clients.call('open', { count: connections, users: connections });
          await push(pair, context.smoke ? 1 : 10); // warm-up
        },
        async (pairs) => {
          for (let rep = 0; rep < context.reps; rep++) {
            const costs = await measureSliced(context.kinds, rep, slices, (kind) =>
              costOf(pairs.get(kind)!, () => push(pairs.get(kind)!, rounds / slices)),
            );
            for (const [kind, cost] of costs) {
              const messages = rounds * connections;
              table.add(CPU_METRIC, 'µs', kind, cost.cpuUs / messages);
              table.add(
                'delivered messages per second',
                'msg/s',
                kind,
                (messages * 1000) / cost.wallMs,
              );
            }
            for (const kind of rotation(context.kinds, rep)) {
              const pair = pairs.get(kind)!;
              await pair.clients.call('sample', { on: true });
              for (let i = 0; i < 5; i++) await push(pair, 1);
              const latencies = await pair.clients.call<number[]>('sample', { on: false });
              if (latencies.length !== 5 * connections)
                throw new Error(`${kind}: ${latencies.length} latency samples`);
              table.add('broadcast reaches everyone p50', 'ms', kind, quantile(latencies, 0.5));
              table.add('broadcast reaches everyone p99', 'ms', kind, quantile(latencies, 0.99));
            }
          }
        },
      );
      reports.push({
        scenario: 'fanout',
        parameters: { connections, rounds },
        measurements: table.finish(BASELINE),
        targets: [
          { metric: CPU_METRIC, against: 'raw-best', atMost: 1.05 },
          { metric: CPU_METRIC, against: 'socketio', atMost: 0.6 },
        ],
      });
    }
    return reports;
  },
};

import {
  BASELINE,
  costOf,
  measureSliced,
  MeasurementTable,
  rotation,
  withPairs,
  type Pair,
  type Scenario,
} from '../lib/harness';
import { quantile } from '../lib/stats';

const CPU_METRIC = 'server CPU per targeted message';

/**
 * Targeted push: `toUser` to one of many connected users. Server CPU µs per message at full
 * speed (the target metric: pushes issued back to back, a batch per event-loop turn), and at a
 * paced rate the p99 time from push to receipt and the CPU per message at that rate (which on a
 * VM is dominated by the kernel waking the receiver for nearly every message, for every server).
 */
export const targeted: Scenario = {
  name: 'targeted',
  async run(context) {
    const users = context.smoke ? 20 : 5000;
    const slices = context.smoke ? 1 : 4;
    const burst = context.smoke ? 200 : 200_000;
    const perSecond = context.smoke ? 1000 : 10_000;
    const paced = context.smoke ? 200 : 20_000;
    const table = new MeasurementTable();
    const delivered = new Map<Pair, number>();

    /** Runs `method` on the server and waits until every push it reports has arrived. */
    const run = async (pair: Pair, method: string, params: object, count: number) => {
      const reached = await pair.server.call<number>(method, params);
      if (reached !== count) throw new Error(`${method}: reached ${reached} of ${count}`);
      const total = (delivered.get(pair) ?? 0) + reached;
      delivered.set(pair, total);
      await pair.clients.call('waitFor', { total, timeoutMs: 120_000 });
    };
    const burstOf = (count: number) => ({ count, users, batch: 500 });

    await withPairs(
      context,
      async (pair) => {
        await pair.clients.call('open', { count: users, users });
        await run(pair, 'targetBurst', burstOf(users), users); // warm-up
      },
      async (pairs) => {
        for (let rep = 0; rep < context.reps; rep++) {
          const costs = await measureSliced(context.kinds, rep, slices, (kind) => {
            const pair = pairs.get(kind)!;
            const piece = burst / slices;
            return costOf(pair, () => run(pair, 'targetBurst', burstOf(piece), piece));
          });
          for (const [kind, cost] of costs) {
            table.add(CPU_METRIC, 'µs', kind, cost.cpuUs / burst);
            table.add('targeted messages per second', 'msg/s', kind, (burst * 1000) / cost.wallMs);
          }
          for (const kind of rotation(context.kinds, rep)) {
            const pair = pairs.get(kind)!;
            await pair.clients.call('sample', { on: true });
            const slow = await costOf(pair, () =>
              run(pair, 'target', { count: paced, users, perSecond }, paced),
            );
            const latencies = await pair.clients.call<number[]>('sample', { on: false });
            if (latencies.length !== paced)
              throw new Error(`${kind}: ${latencies.length} latency samples of ${paced}`);
            table.add(`latency p99 at ${perSecond} msg/s`, 'ms', kind, quantile(latencies, 0.99));
            table.add(
              `server CPU per message at ${perSecond} msg/s`,
              'µs',
              kind,
              slow.cpuUs / paced,
            );
          }
        }
      },
    );
    return [
      {
        scenario: 'targeted',
        parameters: { users, burst, perSecond, paced },
        measurements: table.finish(BASELINE),
        targets: [
          { metric: CPU_METRIC, against: 'raw-naive', atMost: 1.2 },
          { metric: CPU_METRIC, against: 'socketio', atMost: 0.5 },
        ],
      },
    ];
  },
};

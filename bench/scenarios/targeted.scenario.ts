import { BASELINE, MeasurementTable, rotation, withPairs, type Scenario } from '../lib/harness';
import { quantile } from '../lib/stats';

/**
 * Targeted push: `toUser` to one of many connected users at a paced rate. Server CPU µs per
 * message and the p99 time from push to receipt.
 */
export const targeted: Scenario = {
  name: 'targeted',
  async run(context) {
    const users = context.smoke ? 20 : 5000;
    const perSecond = context.smoke ? 1000 : 10_000;
    const count = context.smoke ? 200 : 30_000;
    const table = new MeasurementTable();
    await withPairs(
      context,
      async (pair) => {
        await pair.clients.call('open', { count: users, users });
      },
      async (pairs) => {
        for (let rep = 0; rep < context.reps; rep++) {
          for (const kind of rotation(context.kinds, rep)) {
            const pair = pairs.get(kind)!;
            const receivedBefore = await pair.clients.call<number>('received');
            await pair.clients.call('sample', { on: true });
            const cpuBefore = await pair.server.call<number>('cpu');
            const reached = await pair.server.call<number>('target', { count, users, perSecond });
            await pair.clients.call('waitFor', {
              total: receivedBefore + count,
              timeoutMs: 120_000,
            });
            const cpuUs = (await pair.server.call<number>('cpu')) - cpuBefore;
            const latencies = await pair.clients.call<number[]>('sample', { on: false });
            if (reached !== count || latencies.length !== count) {
              throw new Error(
                `${kind}: reached ${reached}, received ${latencies.length} of ${count}`,
              );
            }
            table.add('server CPU per targeted message', 'µs', kind, cpuUs / count);
            table.add(`latency p99 at ${perSecond} msg/s`, 'ms', kind, quantile(latencies, 0.99));
          }
        }
      },
    );
    return [
      {
        scenario: 'targeted',
        parameters: { users, perSecond, count },
        measurements: table.finish(BASELINE),
      },
    ];
  },
};

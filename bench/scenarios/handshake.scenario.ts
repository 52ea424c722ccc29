import {
  BASELINE,
  costOf,
  measureSliced,
  MeasurementTable,
  withPairs,
  type Scenario,
} from '../lib/harness';

const CPU_METRIC = 'server CPU per handshake';

/**
 * Handshakes with JWT verification, from a lean raw-TCP client so that the server is the
 * bottleneck: server CPU µs per accepted connection, and connections per second.
 */
export const handshake: Scenario = {
  name: 'handshake',
  async run(context) {
    const slices = context.smoke ? 1 : 4;
    const count = context.smoke ? 20 : 10_000;
    const concurrency = context.smoke ? 4 : 32;
    const table = new MeasurementTable();
    const targetOf = (url: string) => {
      const { port, pathname } = new URL(url);
      return { port: Number(port), path: pathname, concurrency };
    };
    await withPairs(
      context,
      async (pair) => {
        // Warm-up.
        await pair.clients.call('handshakes', {
          ...targetOf(pair.url),
          count: context.smoke ? 2 : 200,
        });
      },
      async (pairs) => {
        for (let rep = 0; rep < context.reps; rep++) {
          const costs = await measureSliced(context.kinds, rep, slices, (kind) => {
            const pair = pairs.get(kind)!;
            const piece = { ...targetOf(pair.url), count: count / slices };
            return costOf(pair, () => pair.clients.call('handshakes', piece));
          });
          for (const [kind, cost] of costs) {
            table.add(CPU_METRIC, 'µs', kind, cost.cpuUs / count);
            table.add('handshakes per second', 'conn/s', kind, (count * 1000) / cost.wallMs);
          }
        }
      },
    );
    return [
      {
        scenario: 'handshake',
        parameters: { count, concurrency },
        measurements: table.finish(BASELINE),
        // raw-best and raw-naive run the same hand-written JWT check at the handshake.
        targets: [
          { metric: CPU_METRIC, against: 'raw-best', atMost: 1.3 },
          { metric: CPU_METRIC, against: 'socketio', atMost: 0.6 },
        ],
      },
    ];
  },
};

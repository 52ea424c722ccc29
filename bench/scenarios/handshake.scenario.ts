import { BASELINE, MeasurementTable, type Scenario } from '../lib/harness';

/**
 * Handshakes with JWT verification, from a lean raw-TCP client so that the server is the
 * bottleneck: server CPU µs per accepted connection, and connections per second.
 */
export const handshake: Scenario = {
  name: 'handshake',
  async run(context) {
    const count = context.smoke ? 20 : 3000;
    const concurrency = context.smoke ? 4 : 32;
    const table = new MeasurementTable();
    for (let rep = 0; rep < context.reps; rep++) {
      for (const kind of context.kinds) {
        const pair = await context.start(kind);
        try {
          const url = new URL(pair.url);
          const target = { port: Number(url.port), path: url.pathname, concurrency };
          await pair.clients.call('handshakes', { ...target, count: context.smoke ? 2 : 200 }); // warm-up
          const cpuBefore = await pair.server.call<number>('cpu');
          const wallMs = await pair.clients.call<number>('handshakes', { ...target, count });
          const cpuUs = (await pair.server.call<number>('cpu')) - cpuBefore;
          table.add('server CPU per handshake', 'µs', kind, cpuUs / count);
          table.add('handshakes per second', 'conn/s', kind, (count * 1000) / wallMs);
        } finally {
          await pair.stop();
        }
      }
    }
    return [
      {
        scenario: 'handshake',
        parameters: { count, concurrency },
        measurements: table.finish(BASELINE),
      },
    ];
  },
};

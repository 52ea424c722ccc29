import { BASELINE, MeasurementTable, rotation, type Scenario } from '../lib/harness';

const RSS_METRIC = 'RSS per idle connection';
const HEAP_METRIC = 'heap per idle connection';

/** Memory per idle authenticated connection: RSS and heap after a full GC, before and after. */
export const memory: Scenario = {
  name: 'memory',
  async run(context) {
    const connections = context.smoke ? 20 : 5000;
    const table = new MeasurementTable();
    for (let rep = 0; rep < context.reps; rep++) {
      for (const kind of rotation(context.kinds, rep)) {
        const pair = await context.start(kind);
        try {
          // One connection first so that lazily loaded code is not counted as per-connection cost.
          await pair.clients.call('open', { count: 1, users: 1 });
          const before = await pair.server.call<{ rss: number; heapUsed: number }>('memory');
          await pair.clients.call('open', { count: connections, users: connections });
          const open = await pair.server.call<number>('connections');
          if (open !== connections + 1) throw new Error(`${kind}: ${open} connections open`);
          const after = await pair.server.call<{ rss: number; heapUsed: number }>('memory');
          table.add(RSS_METRIC, 'KiB', kind, (after.rss - before.rss) / connections / 1024);
          table.add(
            HEAP_METRIC,
            'KiB',
            kind,
            (after.heapUsed - before.heapUsed) / connections / 1024,
          );
        } finally {
          await pair.stop();
        }
      }
    }
    return [
      {
        scenario: 'memory',
        parameters: { connections },
        measurements: table.finish(BASELINE),
        targets: [
          { metric: RSS_METRIC, against: 'raw-best', atMost: 1.5 },
          { metric: RSS_METRIC, against: 'socketio', atMost: 0.6 },
          { metric: HEAP_METRIC, against: 'raw-best', atMost: 1.5 },
          { metric: HEAP_METRIC, against: 'socketio', atMost: 0.6 },
        ],
      },
    ];
  },
};

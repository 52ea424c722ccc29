import {
  BASELINE,
  costOf,
  MeasurementTable,
  rotation,
  withPairs,
  type Cost,
  type Pair,
  type Scenario,
  type ServerKind,
  type Target,
} from '../lib/harness';

const LIVE = 'live targeted pushes per second';
const DURABLE = 'durable pushes per second (log write + push + client ack)';

/**
 * Durable push rate: `deliver` to one of many connected users, each push written to the user's
 * delivery log (group commit) and pushed once committed; the clients dedupe by seq and ack
 * once per burst, as the client SDK does, and a piece ends when the database holds the last
 * ack. Compared with the live targeted push rate of the same server in the same repetition,
 * and raw-best's as the baseline. Server CPU excludes PostgreSQL's own processes.
 */
export const durable: Scenario = {
  name: 'durable',
  async run(context) {
    const kinds: ServerKind[] = [
      ...context.kinds.filter((kind) => kind === BASELINE),
      ...context.durableKinds,
    ];
    const users = context.smoke ? 20 : 5000;
    const slices = context.smoke ? 1 : 4;
    const liveBurst = context.smoke ? 200 : 200_000;
    const durableBurst = context.smoke ? 200 : 40_000;
    const batch = 500;
    const table = new MeasurementTable();
    const received = new Map<Pair, number>();
    const acked = new Map<Pair, number>();
    const onlyDurable = process.env.BENCH_DURABLE_ONLY === '1';

    const live = async (pair: Pair, count: number) => {
      const reached = await pair.server.call<number>('targetBurst', { count, users, batch });
      if (reached !== count) throw new Error(`targetBurst: reached ${reached} of ${count}`);
      const total = (received.get(pair) ?? 0) + count;
      received.set(pair, total);
      await pair.clients.call('waitFor', { total, timeoutMs: 120_000 });
    };
    const logged = async (pair: Pair, count: number) => {
      const written = await pair.server.call<number>('durableBurst', { count, users, batch });
      if (written !== count) throw new Error(`durableBurst: wrote ${written} of ${count}`);
      const total = (received.get(pair) ?? 0) + count;
      received.set(pair, total);
      const totalAcked = (acked.get(pair) ?? 0) + count;
      acked.set(pair, totalAcked);
      await pair.clients.call('waitFor', { total, timeoutMs: 120_000 });
      await pair.server.call('waitAcked', { total: totalAcked, timeoutMs: 120_000 });
      const errors = await pair.clients.call<string[]>('errors');
      if (errors.length > 0) throw new Error(`error frames: ${errors.slice(0, 3).join(' ')}`);
    };
    const isDurable = (kind: ServerKind) => kind !== BASELINE;

    await withPairs(
      context,
      async (pair, kind) => {
        await pair.clients.call('open', { count: users, users });
        await live(pair, users); // warm-up
        if (isDurable(kind)) await logged(pair, users);
      },
      async (pairs) => {
        for (let rep = 0; rep < context.reps; rep++) {
          const totals = new Map<string, Cost>();
          const add = (key: string, cost: Cost) => {
            const total = totals.get(key) ?? { cpuUs: 0, wallMs: 0 };
            total.cpuUs += cost.cpuUs;
            total.wallMs += cost.wallMs;
            totals.set(key, total);
          };
          // Round-robin slices, as measureSliced does, with two pieces per durable kind.
          for (let slice = 0; slice < slices; slice++) {
            for (const kind of rotation(kinds, rep + slice)) {
              const pair = pairs.get(kind)!;
              if (!onlyDurable) {
                add(`${kind} live`, await costOf(pair, () => live(pair, liveBurst / slices)));
              }
              if (isDurable(kind)) {
                add(
                  `${kind} durable`,
                  await costOf(pair, () => logged(pair, durableBurst / slices)),
                );
              }
            }
          }
          for (const kind of kinds) {
            const liveCost = totals.get(`${kind} live`);
            if (liveCost !== undefined) {
              table.add(LIVE, 'msg/s', kind, (liveBurst * 1000) / liveCost.wallMs);
              table.add(
                'server CPU per live targeted push',
                'µs',
                kind,
                liveCost.cpuUs / liveBurst,
              );
            }
            const durableCost = totals.get(`${kind} durable`);
            if (durableCost === undefined) continue;
            table.add(DURABLE, 'msg/s', kind, (durableBurst * 1000) / durableCost.wallMs);
            table.add('server CPU per durable push', 'µs', kind, durableCost.cpuUs / durableBurst);
          }
        }
      },
      kinds,
    );
    return [
      {
        scenario: 'durable',
        parameters: { users, liveBurst, durableBurst },
        measurements: table.finish(BASELINE),
        targets: context.durableKinds.map((kind): Target => ({
          metric: DURABLE,
          kind,
          against: kind,
          againstMetric: LIVE,
          atLeast: 0.5,
        })),
      },
    ];
  },
};

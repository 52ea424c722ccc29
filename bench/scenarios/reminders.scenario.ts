import { MeasurementTable, rotation, withPairs, type Pair, type Scenario } from '../lib/harness';
import { quantile } from '../lib/stats';

const FIRING_P99 = 'firing lateness p99 (firedAt − dueAt)';
const RECEIPT_P99 = 'receipt lateness p99 (client receipt − dueAt)';

/**
 * Reminder precision: `pending` reminders in the database, of which one comes due every
 * 1/`perSecond` s for `seconds` s while the scheduler runs as in production (timer for the next
 * due one, sweep as a safety net). Lateness is taken per firing from the `schedule-reminder`
 * frame: when the server fired it (its `firedAt`, on PostgreSQL the database's clock) and when
 * the client got it, both against its `dueAt`; any firing before its `dueAt` fails the run.
 */
export const reminders: Scenario = {
  name: 'reminders',
  async run(context) {
    const users = context.smoke ? 10 : 1000;
    const pending = context.smoke ? 300 : 100_000;
    const perSecond = context.smoke ? 200 : 1000;
    const seconds = context.smoke ? 1 : 15;
    const dueCount = perSecond * seconds;
    // Seeding 100 000 rows must be over before the first one is due.
    const leadMs = context.smoke ? 1500 : 6000;
    const table = new MeasurementTable();
    const received = new Map<Pair, number>();

    await withPairs(
      context,
      async (pair) => {
        await pair.clients.call('open', { count: users, users });
      },
      async (pairs) => {
        for (let rep = 0; rep < context.reps; rep++) {
          for (const kind of rotation(context.durableKinds, rep)) {
            const pair = pairs.get(kind)!;
            await pair.clients.call('lateness', { on: true });
            const firstDueAt = Date.now() + leadMs;
            await pair.server.call('seedReminders', {
              pending,
              users,
              dueCount,
              firstDueAt,
              perSecond,
            });
            if (Date.now() > firstDueAt) {
              throw new Error(`${kind}: seeding took longer than ${leadMs} ms; raise leadMs`);
            }
            const total = (received.get(pair) ?? 0) + dueCount;
            received.set(pair, total);
            await pair.clients.call('waitFor', {
              total,
              timeoutMs: leadMs + seconds * 1000 + 60_000,
            });
            const lateness = await pair.clients.call<{ received: number[]; fired: number[] }>(
              'lateness',
              { on: false },
            );
            if (lateness.fired.length !== dueCount) {
              throw new Error(`${kind}: ${lateness.fired.length} firings of ${dueCount}`);
            }
            const early = lateness.fired.filter((ms) => ms < 0).length;
            if (early > 0) throw new Error(`${kind}: ${early} reminders fired before dueAt`);
            table.add('firing lateness p50', 'ms', kind, quantile(lateness.fired, 0.5));
            table.add(FIRING_P99, 'ms', kind, quantile(lateness.fired, 0.99));
            table.add('firing lateness max', 'ms', kind, Math.max(...lateness.fired));
            table.add(RECEIPT_P99, 'ms', kind, quantile(lateness.received, 0.99));
          }
        }
      },
      context.durableKinds,
    );
    return [
      {
        scenario: 'reminders',
        parameters: { pending, perSecond, seconds, users },
        measurements: table.finish('raw-best'),
        targets: context.durableKinds.flatMap((kind) => [
          { metric: FIRING_P99, kind, atMost: 50 },
          { metric: RECEIPT_P99, kind, atMost: 50 },
        ]),
      },
    ];
  },
};

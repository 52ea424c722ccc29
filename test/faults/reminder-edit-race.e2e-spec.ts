import { type ReminderFiring } from '@nest-realtime/core';
import { KyselyDeliveryLogStore, type DeliveryLogTables } from '@nest-realtime/core/kysely';
import type { Kysely } from 'kysely';
import request from 'supertest';
import { DATABASE } from '../../src/database';
import { startBackend, type BackendTestApp } from '../support/backend-test-app';
import { describeWithPostgres, ScopedPostgres, TEST_POSTGRES_URL } from '../support/postgres';
import { closeAll, WsTestClient, type Frame } from '../support/ws-test-client';

const REMINDERS = 20;
const EDITING_MS = 6_000;
const EDITORS = 4;

interface Started {
  backend: BackendTestApp;
  /** Removes what the backend ran on, after it closed. */
  dispose(): Promise<void>;
}

/** Occurrences (reminder id + dueAt) that appear more than once, with their counts. */
function repeated(firings: readonly ReminderFiring[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const firing of firings) {
    const key = `${firing.id}@${firing.dueAt}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return Object.fromEntries([...counts].filter(([, count]) => count > 1));
}

/**
 * Issue #10, defect 4: editing a recurring reminder's title while it fires must not put an
 * occurrence back (the edit used to write back the `due_at` it had read, undoing a firing that
 * committed in between). Every occurrence is in the log, and reaches the client, once.
 */
function editRace(start: () => Promise<Started>): void {
  let backend: BackendTestApp;
  let dispose: () => Promise<void>;
  const clients: WsTestClient[] = [];

  beforeEach(async () => {
    ({ backend, dispose } = await start());
  });

  afterEach(async () => {
    await closeAll(clients.splice(0));
    await backend.close();
    await dispose();
  });

  it('fires each occurrence once while titles are edited concurrently', async () => {
    const ada = await backend.signUp('ada');
    const auth = { authorization: `Bearer ${ada.token}` };
    const { client } = await WsTestClient.connect(backend.wsUrl, { headers: auth });
    clients.push(client);
    const received = new Map<number, Frame>();
    let onFrame = (): void => undefined;
    client.socket.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString()) as Frame;
      if (frame.type !== 'schedule-reminder' || frame.seq === undefined) return;
      received.set(frame.seq, frame);
      onFrame();
    });

    const ids: string[] = [];
    for (let i = 0; i < REMINDERS; i++) {
      const created = await request(backend.http)
        .post('/reminders')
        .set(auth)
        .send({ title: `r${i}`, cron: '* * * * * *', timezone: 'UTC' })
        .expect(201);
      ids.push(created.body.id as string);
    }

    const until = Date.now() + EDITING_MS;
    let edits = 0;
    await Promise.all(
      Array.from({ length: EDITORS }, async (_, editor) => {
        for (let n = editor; Date.now() < until; n += EDITORS) {
          await request(backend.http)
            .patch(`/reminders/${ids[n % REMINDERS]}`)
            .set(auth)
            .send({ title: `edit ${n}` })
            .expect(200);
          edits++;
        }
      }),
    );
    for (const id of ids) {
      await request(backend.http).delete(`/reminders/${id}`).set(auth).expect(204);
    }

    // Audit: the log, then everything it holds as the client received it (deduped by seq).
    const log = new KyselyDeliveryLogStore(backend.app.get<Kysely<DeliveryLogTables>>(DATABASE));
    const { lastSeq } = await log.head(ada.id);
    const read = await log.readAfter(ada.id, 0, lastSeq + 1);
    const logged = read.kind === 'entries' ? read.entries : [];
    expect(logged).toHaveLength(lastSeq);
    await new Promise<void>((resolve) => {
      onFrame = () => {
        if (received.size >= lastSeq) resolve();
      };
      onFrame();
    });
    const firings = logged.map((entry) => entry.data as ReminderFiring);
    const delivered = [...received.values()].map((frame) => frame.data as ReminderFiring);

    expect(edits).toBeGreaterThan(REMINDERS);
    expect(firings.length).toBeGreaterThanOrEqual(REMINDERS * 3);
    expect({ logged: repeated(firings), delivered: repeated(delivered) }).toEqual({
      logged: {},
      delivered: {},
    });
  }, 60_000);
}

describe('Fault: reminder edits racing the scheduler (SQLite)', () => {
  editRace(async () => ({ backend: await startBackend(), dispose: () => Promise.resolve() }));
});

describeWithPostgres('Fault: reminder edits racing the scheduler (PostgreSQL)', () => {
  editRace(async () => {
    const scoped = await ScopedPostgres.create();
    const url = new URL(TEST_POSTGRES_URL);
    url.searchParams.set('options', `-c search_path=${scoped.schema}`);
    return {
      backend: await startBackend({ DATABASE_URL: url.toString() }),
      dispose: () => scoped.drop(),
    };
  });
});

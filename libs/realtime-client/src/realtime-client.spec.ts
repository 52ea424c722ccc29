import type { BrowserEnvironment, RealtimeClientOptions } from './client-options';
import {
  RealtimeConnectionLostError,
  RealtimeQueueFullError,
  RealtimeRequestError,
  RealtimeTimeoutError,
} from './errors';
import type { ReminderFiring } from './protocol';
import { RealtimeClient } from './realtime-client';
import { ScriptedSocket } from './testing/scripted-socket';

/** A page whose online state and visibility a test sets, with the events a browser fires. */
class FakePage implements BrowserEnvironment {
  online = true;
  hidden = false;
  private readonly listeners = new Map<string, Set<() => void>>();
  readonly visibility = this;

  addEventListener(type: string, listener: () => void): void {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type)!.add(listener);
  }
  removeEventListener(type: string, listener: () => void): void {
    this.listeners.get(type)?.delete(listener);
  }
  isOnline(): boolean {
    return this.online;
  }
  isHidden(): boolean {
    return this.hidden;
  }
  fire(type: string): void {
    for (const listener of this.listeners.get(type) ?? []) listener();
  }
}

const clients: RealtimeClient[] = [];

function client(options: Partial<RealtimeClientOptions> = {}): RealtimeClient {
  const created = new RealtimeClient({
    url: 'ws://server.test/ws',
    WebSocket: ScriptedSocket,
    environment: null,
    random: () => 0.5,
    heartbeat: false,
    ...options,
  });
  clients.push(created);
  return created;
}

/** Lets microtasks (the async `auth` call) and due timers run. */
async function settle(ms = 0): Promise<void> {
  await jest.advanceTimersByTimeAsync(ms);
}

async function connected(options: Partial<RealtimeClientOptions> = {}) {
  const realtime = client(options);
  await settle();
  const socket = ScriptedSocket.latest();
  socket.accept();
  return { realtime, socket };
}

beforeEach(() => {
  jest.useFakeTimers();
  ScriptedSocket.reset();
});

afterEach(() => {
  for (const created of clients.splice(0)) created.dispose();
  jest.useRealTimers();
});

describe('RealtimeClient: reconnect', () => {
  it('backs off with full jitter, doubling the window up to the cap', async () => {
    const { realtime } = await connected({ reconnect: { baseMs: 500, capMs: 4_000 } });
    const delays: (number | null)[] = [];
    realtime.on('reconnecting', ({ delayMs }) => void delays.push(delayMs));
    for (let attempt = 0; attempt < 5; attempt++) {
      ScriptedSocket.latest().drop(1006);
      await settle(delays.at(-1) ?? 0);
    }
    // random() = 0.5: half of 500, 1000, 2000, 4000 (cap), 4000.
    expect(delays).toEqual([250, 500, 1_000, 2_000, 2_000]);
    expect(ScriptedSocket.instances).toHaveLength(6);
  });

  it('starts over from the base once a connection has been stable', async () => {
    const { realtime } = await connected({ reconnect: { baseMs: 500, stableAfterMs: 5_000 } });
    const delays: (number | null)[] = [];
    realtime.on('reconnecting', ({ delayMs }) => void delays.push(delayMs));
    ScriptedSocket.latest().drop(1006);
    await settle(250);
    ScriptedSocket.latest().accept();
    ScriptedSocket.latest().drop(1006); // unstable: the window keeps growing
    await settle(500);
    ScriptedSocket.latest().accept();
    await settle(5_000); // stable
    ScriptedSocket.latest().drop(1006);
    expect(delays).toEqual([250, 500, 250]);
  });

  it('obeys the close code: 1000 ends, 1001, 1012, 1013 and 4008 come back', async () => {
    const { realtime } = await connected();
    const states: string[] = [];
    realtime.on('reconnecting', ({ code }) => void states.push(`reconnecting after ${code}`));
    realtime.on('closed', ({ code }) => void states.push(`closed by ${code}`));
    for (const code of [1001, 1012, 1013, 4008]) {
      ScriptedSocket.latest().drop(code);
      await settle(20_000);
      ScriptedSocket.latest().accept();
    }
    ScriptedSocket.latest().drop(1000, 'bye');
    await settle(60_000);
    expect(states).toEqual([
      'reconnecting after 1001',
      'reconnecting after 1012',
      'reconnecting after 1013',
      'reconnecting after 4008',
      'closed by 1000',
    ]);
    expect(realtime.state).toBe('closed');
    expect(ScriptedSocket.instances).toHaveLength(5);
  });

  it('stops after a handshake refused with 401 instead of retrying', async () => {
    const realtime = client();
    const closed = jest.fn();
    realtime.on('closed', closed);
    await settle();
    ScriptedSocket.latest().refuse(401);
    await settle(60_000);
    expect(closed).toHaveBeenCalledWith(
      { code: 1006, reason: 'handshake refused with HTTP 401' },
      expect.anything(),
    );
    expect(ScriptedSocket.instances).toHaveLength(1);
  });

  it('asks auth for fresh credentials before every attempt', async () => {
    let issued = 0;
    const { realtime } = await connected({
      auth: () => Promise.resolve({ query: { ticket: `t${++issued}` } }),
    });
    ScriptedSocket.latest().drop(1006);
    await settle(250);
    expect(
      ScriptedSocket.instances.map((socket) => new URL(socket.url).searchParams.get('ticket')),
    ).toEqual(['t1', 't2']);
    expect(realtime.state).toBe('connecting');
  });

  it('waits for the browser to be back online, then reconnects at once', async () => {
    const page = new FakePage();
    const { realtime } = await connected({ environment: page });
    page.online = false;
    const reconnecting = jest.fn();
    realtime.on('reconnecting', reconnecting);
    ScriptedSocket.latest().drop(1006);
    await settle(60_000);
    expect(reconnecting).toHaveBeenCalledWith(
      expect.objectContaining({ delayMs: null }),
      expect.anything(),
    );
    expect(ScriptedSocket.instances).toHaveLength(1);
    page.online = true;
    page.fire('online');
    await settle();
    expect(ScriptedSocket.instances).toHaveLength(2);
  });

  it('retries slowly from a hidden tab and at once when it is shown', async () => {
    const page = new FakePage();
    const { realtime } = await connected({ environment: page, reconnect: { capMs: 20_000 } });
    page.hidden = true;
    const delays: (number | null)[] = [];
    realtime.on('reconnecting', ({ delayMs }) => void delays.push(delayMs));
    ScriptedSocket.latest().drop(1006);
    expect(delays[0]).toBeGreaterThanOrEqual(10_000);
    await settle(5_000);
    expect(ScriptedSocket.instances).toHaveLength(1);
    page.hidden = false;
    page.fire('visibilitychange');
    await settle();
    expect(ScriptedSocket.instances).toHaveLength(2);
  });
});

describe('RealtimeClient: heartbeat', () => {
  it('pings on the interval and keeps a connection that answers', async () => {
    const { realtime, socket } = await connected({
      heartbeat: { intervalMs: 1_000, timeoutMs: 500 },
    });
    await settle(1_000);
    expect(socket.frames().filter((f) => f.type === 'ping')).toHaveLength(1);
    socket.push({ type: 'pong' });
    await settle(1_500);
    expect(socket.frames().filter((f) => f.type === 'ping')).toHaveLength(2);
    expect(realtime.state).toBe('open');
  });

  it('drops a connection that stays silent after a ping and reconnects', async () => {
    const { realtime, socket } = await connected({
      heartbeat: { intervalMs: 1_000, timeoutMs: 500 },
    });
    const reconnecting = jest.fn();
    realtime.on('reconnecting', reconnecting);
    await settle(1_499);
    expect(reconnecting).not.toHaveBeenCalled();
    await settle(1);
    expect(socket.terminated).toBe(true);
    expect(reconnecting).toHaveBeenCalledWith(
      expect.objectContaining({ code: 1006, reason: 'heartbeat timeout' }),
      expect.anything(),
    );
  });

  it("answers the server's application heartbeat with pong, without emitting it", async () => {
    const { realtime, socket } = await connected();
    const heard = jest.fn();
    realtime.on('heartbeat' as never, heard);
    socket.push({ type: 'heartbeat' });
    socket.push({ type: 'heartbeat' });
    expect(socket.frames()).toEqual([{ type: 'pong' }, { type: 'pong' }]);
    expect(heard).not.toHaveBeenCalled();
  });
});

describe('RealtimeClient: durable stream', () => {
  const reminder = (seq: number) => ({
    type: 'schedule-reminder',
    seq,
    id: `e${seq}`,
    data: {
      id: `r${seq}`,
      title: 'Stand-up',
      dueAt: '2026-11-21T09:00:00.000Z',
      firedAt: '2026-11-21T09:00:00.010Z',
      nextDueAt: null,
    },
  });

  it('hands each seq over once, in order, and acks a burst once after the handlers return', async () => {
    const { realtime, socket } = await connected();
    const seen: number[] = [];
    realtime.on('schedule-reminder', (_firing, { seq }) => void seen.push(seq!));
    for (const seq of [1, 2, 2, 3, 1]) socket.push(reminder(seq));
    await settle();
    expect(seen).toEqual([1, 2, 3]);
    expect(socket.frames().filter((f) => f.type === 'ack')).toEqual([
      { type: 'ack', data: { seq: 3 } },
    ]);
    expect(realtime.lastSeq).toBe(3);
  });

  it('hands a firing over as the reminder itself, also one logged in the earlier nested shape', async () => {
    const { realtime, socket } = await connected();
    const seen: ReminderFiring[] = [];
    realtime.on('schedule-reminder', (firing) => void seen.push(firing));
    socket.push(reminder(1));
    socket.push({
      type: 'schedule-reminder',
      seq: 2,
      id: 'e2',
      data: {
        reminder: {
          id: 'r2',
          userId: 'u1',
          title: 'Stand-up',
          body: 'Room 4',
          dueAt: '2026-11-22T09:00:00.000Z',
          cron: '0 9 * * *',
          timezone: 'Europe/Berlin',
          createdAt: '2026-11-20T12:00:00.000Z',
          lastFiredAt: '2026-11-21T09:00:00.010Z',
        },
        dueAt: '2026-11-21T09:00:00.000Z',
        firedAt: '2026-11-21T09:00:00.010Z',
      },
    });
    await settle();
    expect(seen).toEqual([
      reminder(1).data,
      {
        id: 'r2',
        userId: 'u1',
        title: 'Stand-up',
        body: 'Room 4',
        cron: '0 9 * * *',
        timezone: 'Europe/Berlin',
        createdAt: '2026-11-20T12:00:00.000Z',
        dueAt: '2026-11-21T09:00:00.000Z',
        firedAt: '2026-11-21T09:00:00.010Z',
        nextDueAt: '2026-11-22T09:00:00.000Z',
      },
    ]);
  });

  it('acks only what asynchronous handlers have finished', async () => {
    const { realtime, socket } = await connected();
    let finish!: () => void;
    realtime.on('schedule-reminder', (_firing, { seq }) =>
      seq === 2 ? new Promise<void>((resolve) => (finish = resolve)) : undefined,
    );
    for (const seq of [1, 2, 3]) socket.push(reminder(seq));
    await settle();
    expect(socket.frames().filter((f) => f.type === 'ack')).toEqual([
      { type: 'ack', data: { seq: 1 } },
    ]);
    finish();
    await settle();
    expect(
      socket
        .frames()
        .filter((f) => f.type === 'ack')
        .at(-1),
    ).toEqual({ type: 'ack', data: { seq: 3 } });
  });

  it('resumes from the last seq on reconnect and skips what the replay repeats', async () => {
    const { realtime, socket } = await connected();
    const seen: number[] = [];
    realtime.on('schedule-reminder', (_firing, { seq }) => void seen.push(seq!));
    socket.push(reminder(1));
    socket.push(reminder(2));
    socket.drop(1006);
    await settle(250);
    const next = ScriptedSocket.latest();
    expect(new URL(next.url).searchParams.get('lastSeq')).toBe('2');
    next.accept();
    for (const seq of [2, 3, 4]) next.push(reminder(seq));
    next.push({ type: 'resume', data: { replayed: 2, lastSeq: 4 } });
    await settle();
    expect(seen).toEqual([1, 2, 3, 4]);
  });

  it('treats a seq past cursor + 1 as a gap: resumes from its cursor, never acks past it', async () => {
    const { realtime, socket } = await connected();
    const seen: number[] = [];
    realtime.on('schedule-reminder', (_firing, { seq }) => void seen.push(seq!));
    socket.push({ type: 'resume', data: { replayed: 0, lastSeq: 0 } });
    for (const seq of [1, 2, 5, 6]) socket.push(reminder(seq));
    await settle();
    expect(seen).toEqual([1, 2]);
    expect(realtime.lastSeq).toBe(2);
    const sent = () => socket.frames().filter((f) => f.type === 'ack' || f.type === 'resume');
    expect(sent()).toEqual([
      { type: 'resume', data: { lastSeq: 2 } },
      { type: 'ack', data: { seq: 2 } },
    ]);
    // The server replays from the cursor, then carries on live.
    for (const seq of [3, 4, 5, 6]) socket.push(reminder(seq));
    socket.push({ type: 'resume', data: { replayed: 4, lastSeq: 6 } });
    socket.push(reminder(7));
    await settle();
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(sent().at(-1)).toEqual({ type: 'ack', data: { seq: 7 } });
  });

  it('emits resync with the log head so the app reloads', async () => {
    const { realtime, socket } = await connected({ lastSeq: 3 });
    const resync = jest.fn();
    realtime.on('resync', resync);
    socket.push({ type: 'resync', data: { lastSeq: 40 } });
    await settle();
    expect(resync).toHaveBeenCalledWith({ lastSeq: 40 }, expect.anything());
    expect(realtime.lastSeq).toBe(40);
  });
});

describe('RealtimeClient: a server log behind the cursor', () => {
  it('starts over at the head and emits resync when a server without epochs refuses the cursor', async () => {
    const { realtime, socket } = await connected({ lastSeq: 50 });
    expect(new URL(socket.url).searchParams.get('lastSeq')).toBe('50');
    const resync = jest.fn();
    realtime.on('resync', resync);
    socket.push({
      type: 'error',
      data: {
        code: 'VALIDATION_FAILED',
        message: 'lastSeq 50 is past the end of your log (3).',
        details: [{ field: 'lastSeq', constraints: { withinLog: 'past the end' } }],
      },
    });
    await settle(250);
    expect(resync).toHaveBeenCalledWith({ lastSeq: 0 }, expect.anything());
    const next = ScriptedSocket.latest();
    expect(next).not.toBe(socket);
    expect(new URL(next.url).searchParams.has('lastSeq')).toBe(false);
    expect(realtime.lastSeq).toBeUndefined();
  });
});

describe('RealtimeClient: the log epoch', () => {
  const reminder = (seq: number) => ({
    type: 'schedule-reminder',
    seq,
    id: `e${seq}`,
    data: { id: `r${seq}`, dueAt: '2026-11-21T09:00:00.000Z' },
  });
  const acks = (socket: ScriptedSocket) => socket.frames().filter((f) => f.type === 'ack');

  it('keeps the epoch of the resume frame and sends it with its cursor: reconnect and gap', async () => {
    const { realtime, socket } = await connected();
    expect(realtime.epoch).toBeUndefined();
    socket.push({ type: 'resume', data: { replayed: 0, lastSeq: 0, epoch: 'E1' } });
    socket.push(reminder(1));
    socket.push(reminder(2));
    await settle();
    expect([realtime.lastSeq, realtime.epoch]).toEqual([2, 'E1']);
    socket.drop(1006);
    await settle(250);
    const next = ScriptedSocket.latest();
    const query = new URL(next.url).searchParams;
    expect([query.get('lastSeq'), query.get('epoch')]).toEqual(['2', 'E1']);
    next.accept();
    next.push({ type: 'resume', data: { replayed: 0, lastSeq: 2, epoch: 'E1' } });
    next.push(reminder(4));
    await settle();
    expect(next.frames().filter((f) => f.type === 'resume')).toEqual([
      { type: 'resume', data: { lastSeq: 2, epoch: 'E1' } },
    ]);
  });

  it('sends the cursor and epoch it was given as options', async () => {
    const { realtime, socket } = await connected({ lastSeq: 7, epoch: 'persisted_E-0' });
    const query = new URL(socket.url).searchParams;
    expect([query.get('lastSeq'), query.get('epoch')]).toEqual(['7', 'persisted_E-0']);
    expect(realtime.epoch).toBe('persisted_E-0');
  });

  it('refuses a cursor the server would refuse: bad epoch, epoch without lastSeq, bad lastSeq', () => {
    expect(() => client({ lastSeq: 1, epoch: 'has space' })).toThrow(TypeError);
    expect(() => client({ lastSeq: 1, epoch: 'x'.repeat(65) })).toThrow(TypeError);
    expect(() => client({ lastSeq: 1, epoch: '' })).toThrow(TypeError);
    expect(() => client({ epoch: 'E1' })).toThrow(/needs the lastSeq/);
    expect(() => client({ lastSeq: -1 })).toThrow(TypeError);
    expect(() => client({ lastSeq: Number.NaN })).toThrow(TypeError);
  });

  it('on a resync of another log: adopts its epoch and head, acks the head, then goes on live', async () => {
    const { realtime, socket } = await connected({ lastSeq: 50, epoch: 'old' });
    const seen: number[] = [];
    const resync = jest.fn();
    realtime.on('resync', resync);
    realtime.on('schedule-reminder', (_firing, { seq }) => void seen.push(seq!));
    socket.push({ type: 'resync', data: { lastSeq: 3, epoch: 'new' } });
    socket.push({ type: 'resume', data: { replayed: 0, lastSeq: 3, epoch: 'new' } });
    await settle();
    expect(resync).toHaveBeenCalledWith({ lastSeq: 3, epoch: 'new' }, expect.anything());
    expect([realtime.lastSeq, realtime.epoch]).toEqual([3, 'new']);
    socket.push(reminder(4));
    await settle();
    expect(seen).toEqual([4]);
    // The acks of the old log (up to 50) are forgotten: the new log's 3 and 4 are acked.
    expect(acks(socket)).toEqual([
      { type: 'ack', data: { seq: 3 } },
      { type: 'ack', data: { seq: 4 } },
    ]);
  });

  it('holds an ack left from the last connection until the server says the log is the same', async () => {
    const { realtime, socket } = await connected({ ackDelayMs: 1_000 });
    socket.push({ type: 'resume', data: { replayed: 0, lastSeq: 0, epoch: 'E1' } });
    socket.push(reminder(1));
    socket.push(reminder(2));
    await settle();
    socket.drop(1006); // before the ack's delay is over: it is still owed
    await settle(250);
    const reset = ScriptedSocket.latest();
    reset.accept();
    await settle(2_000);
    expect(acks(reset)).toEqual([]);
    // The log was reset: the owed ack belonged to the old one and is never sent.
    reset.push({ type: 'resync', data: { lastSeq: 0, epoch: 'E2' } });
    reset.push({ type: 'resume', data: { replayed: 0, lastSeq: 0, epoch: 'E2' } });
    await settle(2_000);
    expect(acks(reset)).toEqual([]);
    expect([realtime.lastSeq, realtime.epoch]).toEqual([0, 'E2']);

    reset.push(reminder(1));
    reset.push(reminder(2));
    await settle();
    reset.drop(1006);
    await settle(1_000); // the second attempt in a row waits longer
    const same = ScriptedSocket.latest();
    expect(same).not.toBe(reset);
    same.accept();
    same.push({ type: 'resume', data: { replayed: 0, lastSeq: 2, epoch: 'E2' } });
    await settle();
    expect(acks(same)).toEqual([{ type: 'ack', data: { seq: 2 } }]);
  });

  it('keeps no epoch the server sends malformed, so it never sends one back', async () => {
    const { realtime, socket } = await connected();
    socket.push({ type: 'resume', data: { replayed: 0, lastSeq: 5, epoch: 'not an epoch' } });
    await settle();
    expect([realtime.lastSeq, realtime.epoch]).toEqual([5, undefined]);
    socket.drop(1006);
    await settle(250);
    expect(new URL(ScriptedSocket.latest().url).searchParams.has('epoch')).toBe(false);
  });

  it('drops its epoch for a server without epochs, which would refuse it in a resume', async () => {
    const { realtime, socket } = await connected({ lastSeq: 2, epoch: 'E1' });
    socket.push({ type: 'resume', data: { replayed: 0, lastSeq: 2 } });
    socket.push(reminder(4)); // a gap: resume from 2
    await settle();
    expect(realtime.epoch).toBeUndefined();
    expect(socket.frames().filter((f) => f.type === 'resume')).toEqual([
      { type: 'resume', data: { lastSeq: 2 } },
    ]);
  });
});

describe('RealtimeClient: requests and the offline queue', () => {
  it('resolves with the reply and rejects with the error frame code', async () => {
    const { realtime, socket } = await connected();
    const ok = realtime.request<{ room: string }>('join', { room: 'public:lobby' });
    const refused = realtime.request('join', { room: 'user:bob' });
    const [first, second] = socket.frames();
    socket.push({ type: 'join', data: { room: 'public:lobby' }, replyTo: first.id });
    socket.push({ type: 'error', data: { code: 'FORBIDDEN', message: 'no' }, replyTo: second.id });
    await expect(ok).resolves.toEqual({ room: 'public:lobby' });
    await expect(refused).rejects.toEqual(expect.objectContaining({ code: 'FORBIDDEN' }));
    await expect(refused).rejects.toBeInstanceOf(RealtimeRequestError);
  });

  it('times out, and fails what was sent on a connection that is lost', async () => {
    const { realtime, socket } = await connected();
    const slow = realtime.request('whoami', undefined, { timeoutMs: 1_000 });
    const expectation = expect(slow).rejects.toBeInstanceOf(RealtimeTimeoutError);
    await settle(1_000);
    await expectation;
    const lost = realtime.request('whoami');
    socket.drop(1006);
    await expect(lost).rejects.toBeInstanceOf(RealtimeConnectionLostError);
  });

  it('queues sends while disconnected, sends them in order on open, refuses beyond the limit', async () => {
    const realtime = client({ offlineQueueSize: 2 });
    realtime.send('a');
    const answered = realtime.request('b');
    expect(() => realtime.send('c')).toThrow(RealtimeQueueFullError);
    await settle();
    const socket = ScriptedSocket.latest();
    socket.accept();
    expect(socket.frames().map((f) => f.type)).toEqual(['a', 'b']);
    socket.push({ type: 'b', data: 1, replyTo: socket.frames()[1].id });
    await expect(answered).resolves.toBe(1);
  });
});

import { ConnectionRegistry, DELIVERY_LOG_EPOCH_PATTERN } from '@nest-realtime/core';
import { KyselyDeliveryLogStore } from '@nest-realtime/core/kysely';
import {
  RealtimeClient,
  RealtimeRequestError,
  type ConnectionEvents,
  type NotificationPush,
  type WebSocketConstructorLike,
} from '@nest-realtime/client';
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { WebSocket } from 'ws';
import { freePort } from './support/free-port';
import { spawnBackend, type BackendProcess } from './support/backend-process';
import { startBackend, type BackendTestApp } from './support/backend-test-app';
import { ScopedEnvironment } from './support/scoped-environment';

/** What a client's `notification` handler saw, in order. */
function recorder(client: RealtimeClient) {
  const seen: { seq: number; title: string }[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  client.on('notification', (notification: NotificationPush, { seq }) => {
    seen.push({ seq: seq!, title: notification.title });
    for (const waiter of waiters.filter((w) => seen.length >= w.count)) waiter.resolve();
  });
  return {
    seen,
    until: (count: number) =>
      new Promise<void>((resolve) => {
        if (seen.length >= count) resolve();
        else waiters.push({ count, resolve });
      }),
  };
}

/** `ws`, reporting every frame the client sends, so that a test can wait for one (an ack). */
function watchedWebSocket(onSend: (frame: string) => void): WebSocketConstructorLike {
  return class WatchedWebSocket extends WebSocket {
    constructor(url: string, options?: { headers: Record<string, string> }) {
      super(url, options);
      const send = this.send.bind(this);
      this.send = ((data: string) => {
        onSend(data);
        send(data);
      }) as WebSocket['send'];
    }
  };
}

function resynced(client: RealtimeClient): Promise<ConnectionEvents['resync']> {
  return new Promise((resolve) => client.once('resync', resolve));
}

function opened(client: RealtimeClient): Promise<void> {
  return new Promise((resolve) => {
    if (client.state === 'open') resolve();
    else client.once('open', () => resolve());
  });
}

describe('Client SDK against the reference backend (in process)', () => {
  let backend: BackendTestApp;
  const clients: RealtimeClient[] = [];

  beforeEach(async () => {
    backend = await startBackend();
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) client.dispose();
    await backend.close();
  });

  function connect(token: string, options: object = {}): RealtimeClient {
    const client = new RealtimeClient({
      url: backend.wsUrl,
      WebSocket,
      auth: () => ({ headers: { authorization: `Bearer ${token}` } }),
      reconnect: { baseMs: 50, capMs: 200 },
      ...options,
    });
    clients.push(client);
    return client;
  }

  const notify = (token: string, userId: string, title: string) =>
    request(backend.http)
      .post('/notifications')
      .set('authorization', `Bearer ${token}`)
      .send({ to: { userId }, title })
      .expect(201);

  it('resumes after the server cuts its socket: every push once, in order', async () => {
    const ada = await backend.signUp('ada');
    const client = connect(ada.token);
    const { seen, until } = recorder(client);
    await opened(client);
    for (let i = 1; i <= 5; i++) await notify(ada.token, ada.id, `n${i}`);
    await until(5);
    for (const connection of backend.app.get(ConnectionRegistry).connectionsOf(ada.id)) {
      connection.socket.terminate();
    }
    // Written while the client is away (or reconnecting): it must get them on resume.
    for (let i = 6; i <= 15; i++) await notify(ada.token, ada.id, `n${i}`);
    await until(15);
    await opened(client);
    for (let i = 16; i <= 20; i++) await notify(ada.token, ada.id, `n${i}`);
    await until(20);
    expect(seen.map(({ seq }) => seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(seen.map(({ title }) => title)).toEqual(
      Array.from({ length: 20 }, (_, i) => `n${i + 1}`),
    );
    expect(client.lastSeq).toBe(20);
  });

  it('starts at the head of the log for a new client, and acks what it handled', async () => {
    const ada = await backend.signUp('ada');
    await notify(ada.token, ada.id, 'before');
    const client = connect(ada.token);
    const { seen, until } = recorder(client);
    await opened(client);
    await notify(ada.token, ada.id, 'after');
    await until(1);
    expect(seen).toEqual([{ seq: 2, title: 'after' }]);
    // The cumulative ack reaches the server; asking with an id shows where it stands.
    await expect(client.request('ack', { seq: 2 })).resolves.toEqual({ ackedSeq: 2 });
  });

  it('starts over at the head when its cursor is ahead of the server log (a reset database)', async () => {
    const ada = await backend.signUp('ada');
    const client = connect(ada.token, { lastSeq: 99 });
    const resynced = new Promise((resolve) => client.once('resync', resolve));
    const { seen, until } = recorder(client);
    await resynced;
    await opened(client); // the connection after the restart at the head
    await notify(ada.token, ada.id, 'fresh');
    await until(1);
    expect(seen).toEqual([{ seq: 1, title: 'fresh' }]);
  });

  it('keeps the log epoch with its cursor and sends it back: a renewed epoch gets resync', async () => {
    const ada = await backend.signUp('ada');
    const store = backend.app.get(KyselyDeliveryLogStore);
    const client = connect(ada.token);
    const { seen, until } = recorder(client);
    await opened(client);
    for (let i = 1; i <= 2; i++) await notify(ada.token, ada.id, `n${i}`);
    await until(2);
    const epoch = await store.epoch();
    expect(client.epoch).toBe(epoch);
    // The operator renews the epoch (after a restore); the client comes back with the old one.
    const renewed = await store.renewEpoch();
    const resync = resynced(client);
    for (const connection of backend.app.get(ConnectionRegistry).connectionsOf(ada.id)) {
      connection.socket.terminate();
    }
    expect(await resync).toEqual({ lastSeq: 2, epoch: renewed });
    expect([client.lastSeq, client.epoch]).toEqual([2, renewed]);
    await opened(client);
    await notify(ada.token, ada.id, 'n3');
    await until(3);
    expect(seen.map(({ seq }) => seq)).toEqual([1, 2, 3]);
  });

  it('resyncs a persisted cursor of another epoch, then goes on live from the head', async () => {
    const ada = await backend.signUp('ada');
    for (let i = 1; i <= 3; i++) await notify(ada.token, ada.id, `old${i}`);
    const client = connect(ada.token, { lastSeq: 1, epoch: 'a-log-that-is-gone' });
    const { seen, until } = recorder(client);
    const epoch = await backend.app.get(KyselyDeliveryLogStore).epoch();
    expect(await resynced(client)).toEqual({ lastSeq: 3, epoch });
    await notify(ada.token, ada.id, 'fresh');
    await until(1);
    expect(seen).toEqual([{ seq: 4, title: 'fresh' }]);
    expect([client.lastSeq, client.epoch]).toEqual([4, epoch]);
  });

  it('answers requests and rejects refusals with the error code', async () => {
    const ada = await backend.signUp('ada');
    const client = connect(ada.token);
    await expect(client.request('whoami')).resolves.toMatchObject({ userId: ada.id });
    await expect(client.request('join', { room: 'user:someone-else' })).rejects.toEqual(
      expect.objectContaining({ code: 'FORBIDDEN' }),
    );
    await expect(client.request('join', { room: 42 })).rejects.toBeInstanceOf(RealtimeRequestError);
  });

  it('stops when the handshake is refused with 401', async () => {
    const client = connect('not-a-token');
    const closed = await new Promise<{ reason: string }>((resolve) =>
      client.once('closed', resolve),
    );
    expect(closed.reason).toBe('handshake refused with HTTP 401');
    expect(client.state).toBe('closed');
  });
});

describe('Client SDK across a restore of the database from an older backup', () => {
  let environment: ScopedEnvironment;
  let backend: BackendTestApp | undefined;
  const clients: RealtimeClient[] = [];

  afterEach(async () => {
    for (const client of clients.splice(0)) client.dispose();
    await backend?.close();
    environment.restore();
  });

  /** The SQLite database's files (the database, and its WAL if one is left). */
  const databaseFiles = (dir: string) =>
    readdirSync(dir).filter((name) => name.startsWith('realtime.sqlite'));

  /** Copies the database's files from `from` to `to`, replacing what `to` had. */
  function copyDatabase(from: string, to: string): void {
    for (const name of databaseFiles(to)) rmSync(join(to, name));
    for (const name of databaseFiles(from)) copyFileSync(join(from, name), join(to, name));
  }

  it('a client whose cursor is past the restored log gets resync and carries on from its head', async () => {
    environment = new ScopedEnvironment('client-restore');
    const dataDir = join(environment.dir, 'data');
    const backupDir = join(environment.dir, 'backup');
    mkdirSync(dataDir);
    mkdirSync(backupDir);
    backend = await startBackend({ DATA_DIR: dataDir });
    const ada = await backend.signUp('ada');
    const notify = (title: string) =>
      request(backend!.http)
        .post('/notifications')
        .set('authorization', `Bearer ${ada.token}`)
        .send({ to: { userId: ada.id }, title })
        .expect(201);
    let ackSent: ((seq: number) => void) | undefined;
    const onSend = (frame: string) => {
      const { type, data } = JSON.parse(frame) as { type: string; data?: { seq: number } };
      if (type === 'ack') ackSent?.(data!.seq);
    };
    const open = (persisted: { lastSeq?: number; epoch?: string }) => {
      const client = new RealtimeClient({
        url: backend!.wsUrl,
        WebSocket: watchedWebSocket(onSend),
        auth: () => ({ headers: { authorization: `Bearer ${ada.token}` } }),
        reconnect: { baseMs: 50, capMs: 200 },
        ...persisted,
      });
      clients.push(client);
      return client;
    };
    const earliest = open({});
    const zeroth = recorder(earliest);
    await opened(earliest); // the log's epoch is made on first use: here, before the backup
    await notify('n1');
    await zeroth.until(1);
    const epoch = earliest.epoch;
    earliest.dispose();
    await backend.close();
    copyDatabase(dataDir, backupDir); // the backup: ada, one entry, the epoch

    backend = await startBackend({ DATA_DIR: dataDir });
    const before = open({});
    const first = recorder(before);
    await opened(before);
    for (const title of ['n2', 'n3']) await notify(title);
    await first.until(2);
    // What the app persisted when it was closed.
    const persisted = { lastSeq: before.lastSeq, epoch: before.epoch };
    expect(epoch).toMatch(DELIVERY_LOG_EPOCH_PATTERN);
    expect(persisted).toEqual({ lastSeq: 3, epoch });
    before.dispose();
    await backend.close();
    copyDatabase(backupDir, dataDir); // restored, while the backend is stopped

    backend = await startBackend({ DATA_DIR: dataDir });
    const after = open(persisted);
    const second = recorder(after);
    // The backup carries the same epoch: the cursor past the log's head is what tells.
    expect(await resynced(after)).toEqual({ lastSeq: 1, epoch: persisted.epoch });
    await opened(after);
    // The client acks entries of the restored log again (its acks of the lost 2–3 are forgotten).
    const acked = new Promise<void>((resolve) => {
      ackSent = (seq) => seq === 2 && resolve();
    });
    await notify('n2 again');
    await second.until(1);
    expect(second.seen).toEqual([{ seq: 2, title: 'n2 again' }]);
    await acked;
    await expect(after.request('ack', { seq: 1 })).resolves.toEqual({ ackedSeq: 2 });
  });
});

describe('Client SDK across a backend restart (child process)', () => {
  let environment: ScopedEnvironment;
  let backend: BackendProcess | undefined;
  let client: RealtimeClient | undefined;

  afterEach(async () => {
    client?.dispose();
    backend?.child.kill('SIGKILL');
    await backend?.exited;
    environment.restore();
  });

  it('reconnects to the restarted backend and gets what was written meanwhile, once', async () => {
    environment = new ScopedEnvironment('client-restart');
    const env = {
      PORT: String(await freePort()),
      DATA_DIR: environment.dir,
      JWT_SECRET: 'client-restart-secret-0123456789abcdef',
    };
    backend = await spawnBackend(env);
    const rest = (token?: string) => ({
      post: (path: string, body: object) =>
        fetch(`${backend!.httpUrl}${path}`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
          },
          body: JSON.stringify(body),
        }).then((response) => response.json() as Promise<Record<string, string>>),
    });
    const { id } = await rest().post('/auth/register', {
      username: 'ada',
      password: 'correct horse battery',
    });
    const { accessToken } = await rest().post('/auth/login', {
      username: 'ada',
      password: 'correct horse battery',
    });
    client = new RealtimeClient({
      url: backend.wsUrl,
      WebSocket,
      auth: () => ({ headers: { authorization: `Bearer ${accessToken}` } }),
      reconnect: { baseMs: 100, capMs: 500 },
    });
    const { seen, until } = recorder(client);
    await opened(client);
    for (let i = 1; i <= 3; i++)
      await rest(accessToken).post('/notifications', { to: { userId: id }, title: `n${i}` });
    await until(3);
    backend.child.kill('SIGKILL');
    await backend.exited;
    backend = await spawnBackend(env);
    // Written right after the restart, before or while the client comes back.
    for (let i = 4; i <= 6; i++)
      await rest(accessToken).post('/notifications', { to: { userId: id }, title: `n${i}` });
    await until(6);
    await opened(client);
    await rest(accessToken).post('/notifications', { to: { userId: id }, title: 'n7' });
    await until(7);
    expect(seen.map(({ seq }) => seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });
});

describe('Client SDK against a backend with application heartbeats (WS_HEARTBEAT_FRAMES)', () => {
  let backend: BackendTestApp;
  let client: RealtimeClient | undefined;

  afterEach(async () => {
    client?.dispose();
    await backend.close();
  });

  it('answers each heartbeat frame with pong, which alone keeps it connected', async () => {
    backend = await startBackend({ WS_HEARTBEAT_FRAMES: 'true', WS_HEARTBEAT_INTERVAL_MS: '100' });
    const ada = await backend.signUp('ada');
    /** `ws` that does not answer protocol pings: only the SDK's `pong` frames can keep it alive. */
    class NoAutoPongWebSocket extends WebSocket {
      constructor(url: string, options?: { headers: Record<string, string> }) {
        super(url, { ...options, autoPong: false });
      }
    }
    const reconnects: ConnectionEvents['reconnecting'][] = [];
    client = new RealtimeClient({
      url: backend.wsUrl,
      WebSocket: NoAutoPongWebSocket,
      auth: () => ({ headers: { authorization: `Bearer ${ada.token}` } }),
      // The SDK's own ping would count as alive too: leave only the answer to the heartbeat.
      heartbeat: false,
    });
    client.on('reconnecting', (event) => void reconnects.push(event));
    await opened(client);
    const [connection] = backend.app.get(ConnectionRegistry).connectionsOf(ada.id);
    // Counted where the server receives them, on its side of the real socket.
    const pongs = await new Promise<number>((resolve) => {
      let count = 0;
      connection.socket.on('message', (data: Buffer) => {
        if ((JSON.parse(data.toString()) as { type: string }).type === 'pong' && ++count === 5) {
          resolve(count);
        }
      });
    });

    // Five beats are four intervals; a peer that answered nothing would be gone after two.
    expect(pongs).toBe(5);
    expect(client.state).toBe('open');
    expect(reconnects).toEqual([]);
    expect(connection.registered).toBe(true);
  });
});

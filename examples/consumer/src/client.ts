import { RealtimeClient, RealtimeRequestError, type ReminderFiring } from '@nest-realtime/client';
import { WebSocket } from 'ws';

/** What this app pushes, by frame type: the client's listeners are typed by it. */
interface ChatEvents {
  said: { from: string; text: string };
  note: { text: string };
  'schedule-reminder': ReminderFiring;
}

/**
 * A Node client of the app: `node dist/client.js http://127.0.0.1:3000 alice-token [--durable]`.
 * Prints what it saw as one JSON line; the consumer test checks it.
 */
async function main(baseUrl: string, token: string, durable: boolean): Promise<void> {
  const client = new RealtimeClient<ChatEvents>({
    url: `${baseUrl.replace(/^http/, 'ws')}/ws`,
    WebSocket,
    auth: () => ({ headers: { authorization: `Bearer ${token}` } }),
  });
  const said = next(client, 'said');
  const reply = await client.request<{ delivered: number }>('say', { text: 'hello' });
  const seen: Record<string, unknown> = { reply, said: await said };

  try {
    await client.request('say', { text: 42 });
  } catch (error) {
    seen.invalid = error instanceof RealtimeRequestError ? error.code : String(error);
  }

  if (durable) {
    const post = (path: string, body: object) =>
      fetch(`${baseUrl}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const note = nextWithSeq(client, 'note');
    await post('/notes', { text: 'written before it was sent' });
    seen.note = await note;
    const fired = next(client, 'schedule-reminder');
    await post('/reminders', { title: 'stand up', dueAt: Date.now() });
    seen.reminder = (await fired).title;
  }
  client.close();
  console.log(JSON.stringify(seen));
}

function next<K extends keyof ChatEvents>(client: RealtimeClient<ChatEvents>, type: K) {
  return new Promise<ChatEvents[K]>((resolve) => {
    const off = client.on(type, (data) => {
      off();
      resolve(data);
    });
  });
}

function nextWithSeq<K extends keyof ChatEvents>(client: RealtimeClient<ChatEvents>, type: K) {
  return new Promise<{ data: ChatEvents[K]; seq: number | undefined }>((resolve) => {
    const off = client.on(type, (data, meta) => {
      off();
      resolve({ data, seq: meta.seq });
    });
  });
}

const [baseUrl = 'http://127.0.0.1:3000', token = 'alice-token'] = process.argv.slice(2);
main(baseUrl, token, process.argv.includes('--durable')).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

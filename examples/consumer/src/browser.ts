import { RealtimeClient } from '@nest-realtime/client';

// The page opens as /#token=<api token>; a real app has its own login.
const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? '';
const log = document.querySelector('#log') as HTMLElement;
const show = (line: string) => (log.textContent += `${line}\n`);

const client = new RealtimeClient<{ said: { from: string; text: string } }>({
  url: `${location.origin.replace(/^http/, 'ws')}/ws`,
  // Browsers cannot set headers on a WebSocket: a one-time ticket per connection attempt.
  auth: async () => {
    const response = await fetch('/ws-ticket', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    const { ticket } = (await response.json()) as { ticket: string };
    return { query: { ticket } };
  },
});
client.on('said', ({ from, text }) => show(`said ${from}: ${text}`));
client.on('open', () => {
  client
    .request<{ delivered: number }>('say', { text: 'hello from the browser' })
    .then((reply) => show(`reply delivered=${reply.delivered}`))
    .catch((error: unknown) => show(`error ${String(error)}`));
});

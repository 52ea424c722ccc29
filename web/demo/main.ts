import {
  RealtimeClient,
  type NotificationPush,
  type Reminder,
  type ReminderFiring,
} from '@nest-realtime/client';
import { Api, ApiError, type InboxNotification } from './api';

/**
 * The demo page: REST for sign-in, reminders and the inbox; the client SDK for live pushes.
 * Plain DOM code on purpose: everything here is what an app on the SDK has to do, no more.
 */
const api = new Api();
let client: RealtimeClient | undefined;
let userId = '';
let countdown: ReturnType<typeof setInterval> | undefined;

/** A form field's text ('' when absent). */
const field = (data: FormData, name: string): string => {
  const value = data.get(name);
  return typeof value === 'string' ? value : '';
};

const $ = <T extends HTMLElement = HTMLElement>(selector: string): T => {
  const element = document.querySelector<T>(selector);
  if (element === null) throw new Error(`missing ${selector}`);
  return element;
};

// ---- connection status -------------------------------------------------------------------

function showStatus(state: string, text: string): void {
  const status = $('#status');
  status.dataset.state = state;
  status.textContent = text;
}

function showReconnecting(delayMs: number | null): void {
  if (countdown !== undefined) clearInterval(countdown);
  if (delayMs === null) {
    showStatus('reconnecting', 'Offline — reconnecting when the network is back');
    return;
  }
  const at = Date.now() + delayMs;
  const tick = () => {
    const seconds = Math.max(0, Math.ceil((at - Date.now()) / 1000));
    showStatus('reconnecting', `Reconnecting in ${seconds} s`);
  };
  tick();
  countdown = setInterval(tick, 250);
}

// ---- toasts and browser notifications -----------------------------------------------------

function toast(title: string, text: string): void {
  const item = document.createElement('div');
  item.className = 'toast';
  item.setAttribute('role', 'status');
  const strong = document.createElement('strong');
  strong.textContent = title;
  item.append(strong, text);
  $('#toasts').append(item);
  setTimeout(() => item.remove(), 8_000);
  if ('Notification' in window && Notification.permission === 'granted') {
    new Notification(title, { body: text });
  }
}

// ---- reminders -----------------------------------------------------------------------------

function describeReminder(reminder: Reminder): string {
  const next = reminder.dueAt === null ? 'done' : new Date(reminder.dueAt).toLocaleString();
  return reminder.cron === undefined
    ? `once · ${next}`
    : `${reminder.cron} (${reminder.timezone ?? ''}) · next ${next}`;
}

function renderReminders(reminders: Reminder[]): void {
  const list = $('#reminders');
  list.replaceChildren(
    ...reminders.map((reminder) => {
      const item = document.createElement('li');
      item.dataset.id = reminder.id;
      const text = document.createElement('div');
      const title = document.createElement('strong');
      title.textContent = reminder.title;
      const meta = document.createElement('span');
      meta.className = 'meta';
      meta.textContent = describeReminder(reminder);
      text.append(title, meta);
      const snooze = button('Snooze 10 min', () => api.snooze(reminder.id, 10));
      const remove = button('Delete', () => api.deleteReminder(reminder.id));
      snooze.setAttribute('aria-label', `Snooze ${reminder.title} for 10 minutes`);
      remove.setAttribute('aria-label', `Delete ${reminder.title}`);
      item.append(text, snooze, remove);
      return item;
    }),
  );
  $('#reminders-empty').hidden = reminders.length > 0;
}

async function loadReminders(): Promise<void> {
  renderReminders((await api.reminders()).items);
}

function button(label: string, action: () => Promise<unknown>): HTMLButtonElement {
  const element = document.createElement('button');
  element.type = 'button';
  element.className = 'secondary small';
  element.textContent = label;
  element.addEventListener('click', () => {
    element.disabled = true;
    action()
      .then(() => refresh())
      .catch((error: unknown) => toast('Failed', String((error as Error).message ?? error)))
      .finally(() => (element.disabled = false));
  });
  return element;
}

async function createReminder(form: HTMLFormElement): Promise<void> {
  const data = new FormData(form);
  const body: Record<string, unknown> = { title: data.get('title') };
  const note = field(data, 'body').trim();
  if (note !== '') body.body = note;
  if (data.get('kind') === 'recurring') {
    body.cron = data.get('cron');
    body.timezone = data.get('timezone');
  } else {
    const at = field(data, 'dueAt');
    const inSeconds = Number(data.get('inSeconds') ?? 0);
    body.dueAt = (at !== '' ? new Date(at) : new Date(Date.now() + inSeconds * 1000)).toISOString();
  }
  await api.createReminder(body);
  form.reset();
  setDefaults();
  await loadReminders();
}

// ---- inbox ---------------------------------------------------------------------------------

const inbox = new Map<string, InboxNotification>();

function renderInbox(): void {
  const items = [...inbox.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  $('#inbox').replaceChildren(
    ...items.map((notification) => {
      const item = document.createElement('li');
      item.dataset.id = notification.id;
      item.classList.toggle('unread', notification.readAt === null);
      const text = document.createElement('div');
      const title = document.createElement('strong');
      title.textContent = notification.title;
      const meta = document.createElement('span');
      meta.className = 'meta';
      meta.textContent = `${notification.body ?? ''} · ${new Date(notification.createdAt).toLocaleTimeString()}`;
      text.append(title, meta);
      item.append(text);
      if (notification.readAt === null) {
        const read = button('Mark read', () => api.markRead(notification.id));
        read.setAttribute('aria-label', `Mark ${notification.title} read`);
        item.append(read);
      }
      return item;
    }),
  );
  $('#inbox-empty').hidden = items.length > 0;
  const unread = items.filter((notification) => notification.readAt === null).length;
  const badge = $('#unread');
  badge.textContent = String(unread);
  badge.dataset.count = String(unread);
}

async function loadInbox(): Promise<void> {
  inbox.clear();
  for (const notification of (await api.inbox()).items) inbox.set(notification.id, notification);
  renderInbox();
}

function refresh(): Promise<unknown> {
  return Promise.all([loadReminders(), loadInbox()]);
}

// ---- realtime ------------------------------------------------------------------------------

function connect(): void {
  // The cursor: the last seq handled and the epoch of the server's log it belongs to.
  const seqKey = `realtime-demo:lastSeq:${userId}`;
  const epochKey = `realtime-demo:epoch:${userId}`;
  const stored = Number(localStorage.getItem(seqKey));
  const lastSeq = Number.isSafeInteger(stored) && stored > 0 ? stored : undefined;
  const storedEpoch = localStorage.getItem(epochKey) ?? '';
  const saveCursor = (seq: number | undefined): void => {
    if (seq === undefined) return;
    localStorage.setItem(seqKey, String(seq));
    if (client?.epoch !== undefined) localStorage.setItem(epochKey, client.epoch);
  };
  client = new RealtimeClient({
    url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`,
    auth: async () => {
      try {
        return { query: { ticket: await api.wsTicket() } };
      } catch (error) {
        // The session itself is gone (expired token): sign out instead of retrying forever.
        if (error instanceof ApiError && error.status === 401) signOut();
        throw error;
      }
    },
    lastSeq,
    epoch: lastSeq !== undefined && /^[\w-]{1,64}$/.test(storedEpoch) ? storedEpoch : undefined,
    heartbeat: { intervalMs: 15_000, timeoutMs: 5_000 },
  });
  client.on('connecting', () => showStatus('connecting', 'Connecting…'));
  client.on('open', () => {
    if (countdown !== undefined) clearInterval(countdown);
    showStatus('open', 'Live');
  });
  client.on('reconnecting', ({ delayMs }) => showReconnecting(delayMs));
  client.on('closed', ({ reason }) => showStatus('closed', `Disconnected (${reason})`));
  client.on('resync', ({ lastSeq: head }) => {
    saveCursor(head);
    void refresh();
  });
  // The firing is the reminder itself; `dueAt` is the occurrence that fired, however late.
  client.on('schedule-reminder', (firing: ReminderFiring, { seq }) => {
    toast(
      `Reminder: ${firing.title}`,
      firing.body ?? `due ${new Date(firing.dueAt).toLocaleTimeString()}`,
    );
    saveCursor(seq);
    void loadReminders();
  });
  client.on('notification', (notification: NotificationPush, { seq }) => {
    inbox.set(notification.id, { ...notification, readAt: null });
    renderInbox();
    toast(`Notification: ${notification.title}`, notification.body ?? '');
    saveCursor(seq);
  });
  client.on('error', (error) => console.warn('realtime:', error.message));
}

// ---- sign-in -------------------------------------------------------------------------------

async function signIn(action: string, username: string, password: string): Promise<void> {
  if (action === 'register') await api.register(username, password);
  await api.login(username, password);
  sessionStorage.setItem('realtime-demo:token', api.token!);
  await start();
}

async function start(): Promise<void> {
  const claims = JSON.parse(
    atob(api.token!.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')),
  ) as {
    sub: string;
    username?: string;
  };
  userId = claims.sub;
  $('#whoami').textContent = claims.username ?? claims.sub;
  $('#signin').hidden = true;
  $('#app').hidden = false;
  await refresh();
  connect();
}

function signOut(): void {
  client?.dispose();
  sessionStorage.removeItem('realtime-demo:token');
  location.reload();
}

function setDefaults(): void {
  const form = $<HTMLFormElement>('#reminder-form');
  (form.elements.namedItem('timezone') as HTMLInputElement).value =
    Intl.DateTimeFormat().resolvedOptions().timeZone;
}

function wire(): void {
  const signin = $<HTMLFormElement>('#signin-form');
  signin.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(signin);
    const action = (event.submitter as HTMLButtonElement | null)?.value ?? 'login';
    $('#signin-error').textContent = '';
    signIn(action, field(data, 'username'), field(data, 'password')).catch(
      (error: unknown) => ($('#signin-error').textContent = (error as Error).message),
    );
  });
  const reminderForm = $<HTMLFormElement>('#reminder-form');
  reminderForm.addEventListener('change', () => {
    const recurring =
      (reminderForm.elements.namedItem('kind') as RadioNodeList).value === 'recurring';
    $('[data-kind="once"]').hidden = recurring;
    $('[data-kind="recurring"]').hidden = !recurring;
  });
  reminderForm.addEventListener('submit', (event) => {
    event.preventDefault();
    $('#reminder-error').textContent = '';
    createReminder(reminderForm).catch(
      (error: unknown) => ($('#reminder-error').textContent = (error as Error).message),
    );
  });
  $('#notify-me').addEventListener('click', () => {
    api
      .notify(userId, 'Hello from the demo', `sent at ${new Date().toLocaleTimeString()}`)
      .catch((error: unknown) => toast('Failed', (error as Error).message));
  });
  $('#read-all').addEventListener('click', () => void api.markAllRead().then(loadInbox));
  $('#enable-notifications').addEventListener('click', () => {
    if ('Notification' in window) void Notification.requestPermission();
  });
  $('#logout').addEventListener('click', signOut);
  setDefaults();
  const token = sessionStorage.getItem('realtime-demo:token');
  if (token !== null) {
    api.token = token;
    start().catch(() => {
      sessionStorage.removeItem('realtime-demo:token');
      location.reload();
    });
  }
}

wire();

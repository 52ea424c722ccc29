import type { NotificationPush, Reminder } from '@nest-realtime/client';

/** A notification in the inbox (`GET /notifications`). */
export interface InboxNotification extends NotificationPush {
  readAt: string | null;
}

/** One page of a list route. */
export interface Page<T> {
  items: T[];
  nextBefore: string | null;
}

/** A REST call that failed, with the server's message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The reference backend's REST API, as the demo page uses it. */
export class Api {
  token: string | undefined;

  async register(username: string, password: string): Promise<void> {
    await this.call('POST', '/auth/register', { username, password });
  }

  async login(username: string, password: string): Promise<void> {
    const { accessToken } = await this.call<{ accessToken: string }>('POST', '/auth/login', {
      username,
      password,
    });
    this.token = accessToken;
  }

  /** A one-time ticket for the WebSocket handshake (browsers cannot send headers there). */
  async wsTicket(): Promise<string> {
    return (await this.call<{ ticket: string }>('POST', '/auth/ws-ticket')).ticket;
  }

  reminders(): Promise<Page<Reminder>> {
    return this.call('GET', '/reminders?limit=50');
  }

  createReminder(body: object): Promise<Reminder> {
    return this.call('POST', '/reminders', body);
  }

  snooze(id: string, minutes: number): Promise<Reminder> {
    return this.call('POST', `/reminders/${encodeURIComponent(id)}/snooze`, { minutes });
  }

  async deleteReminder(id: string): Promise<void> {
    await this.call('DELETE', `/reminders/${encodeURIComponent(id)}`);
  }

  inbox(): Promise<Page<InboxNotification>> {
    return this.call('GET', '/notifications?limit=50');
  }

  async unreadCount(): Promise<number> {
    return (await this.call<{ count: number }>('GET', '/notifications/unread-count')).count;
  }

  async markRead(id: string): Promise<void> {
    await this.call('POST', `/notifications/${encodeURIComponent(id)}/read`);
  }

  async markAllRead(): Promise<void> {
    await this.call('POST', '/notifications/read-all');
  }

  async notify(userId: string, title: string, body: string): Promise<void> {
    await this.call('POST', '/notifications', { to: { userId }, title, body });
  }

  private async call<T = unknown>(method: string, path: string, body?: object): Promise<T> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.token !== undefined) headers.authorization = `Bearer ${this.token}`;
    const response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status === 204) return undefined as T;
    const payload = (await response.json().catch(() => ({}))) as { message?: string | string[] };
    if (!response.ok) {
      const message = Array.isArray(payload.message)
        ? payload.message.join('; ')
        : (payload.message ?? response.statusText);
      throw new ApiError(response.status, message);
    }
    return payload as T;
  }
}

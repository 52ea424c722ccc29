/**
 * Where one-time handshake tickets live. The default keeps them in this process; a cluster
 * deployment supplies a shared implementation so that a ticket issued by one instance can be
 * redeemed at another.
 */
export interface WsTicketStore {
  /** Keeps `principal` under `ticket` until `expiresAt` (ms since the epoch). */
  put(ticket: string, principal: object, expiresAt: number): void | Promise<void>;
  /**
   * Returns the ticket's principal if it exists and has not expired, leaving it in place: a
   * handshake looks before it knows whether it will be accepted, and only then takes.
   */
  peek(ticket: string, now: number): object | undefined | Promise<object | undefined>;
  /**
   * Removes the ticket and returns its principal if it existed and had not expired. Of several
   * concurrent takes of one ticket, at most one gets the principal.
   */
  take(ticket: string, now: number): object | undefined | Promise<object | undefined>;
}

/** The in-process ticket store: a map swept of expired entries on every write. */
export class MemoryWsTicketStore implements WsTicketStore {
  private readonly tickets = new Map<string, { principal: object; expiresAt: number }>();

  put(ticket: string, principal: object, expiresAt: number): void {
    this.sweep(Date.now());
    this.tickets.set(ticket, { principal, expiresAt });
  }

  peek(ticket: string, now: number): object | undefined {
    const entry = this.tickets.get(ticket);
    return entry !== undefined && entry.expiresAt > now ? entry.principal : undefined;
  }

  take(ticket: string, now: number): object | undefined {
    const entry = this.tickets.get(ticket);
    if (entry === undefined) return undefined;
    this.tickets.delete(ticket);
    return entry.expiresAt > now ? entry.principal : undefined;
  }

  /** How many tickets are held, expired ones included until the next sweep. */
  get size(): number {
    return this.tickets.size;
  }

  private sweep(now: number): void {
    // Maps iterate in insertion order and every ticket has the same lifetime, so the expired
    // ones are at the front.
    for (const [ticket, entry] of this.tickets) {
      if (entry.expiresAt > now) break;
      this.tickets.delete(ticket);
    }
  }
}

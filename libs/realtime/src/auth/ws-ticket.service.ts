import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { REALTIME_OPTIONS, WS_TICKET_STORE } from '../realtime.constants';
import type { ResolvedRealtimeOptions } from '../options/resolved-realtime-options.interface';
import type { WsTicketStore } from './ws-ticket.store';

/** A ticket as handed to a client. */
export interface IssuedWsTicket {
  /** Opaque, single-use; pass it as `?ticket=` on the WebSocket URL. */
  ticket: string;
  /** Seconds until it expires. */
  expiresIn: number;
}

/**
 * One-time handshake tickets for browsers, which cannot set an `Authorization` header on a
 * WebSocket. A REST route authenticated the usual way issues one; the handshake guard redeems it.
 */
@Injectable()
export class WsTicketService {
  constructor(
    @Inject(REALTIME_OPTIONS) private readonly options: ResolvedRealtimeOptions,
    @Inject(WS_TICKET_STORE) private readonly store: WsTicketStore,
  ) {}

  /**
   * Issues a ticket that stands for `principal` (what the guard will put on `request.user` when
   * the ticket is redeemed) for `ticketTtlMs`.
   */
  async issue(principal: object): Promise<IssuedWsTicket> {
    const ticket = randomBytes(32).toString('base64url');
    await this.store.put(ticket, principal, Date.now() + this.options.ticketTtlMs);
    return { ticket, expiresIn: Math.floor(this.options.ticketTtlMs / 1000) };
  }

  /** Redeems a ticket: returns its principal once, then never again; `undefined` if unknown or expired. */
  async redeem<T extends object = object>(ticket: string): Promise<T | undefined> {
    return (await this.store.take(ticket, Date.now())) as T | undefined;
  }
}

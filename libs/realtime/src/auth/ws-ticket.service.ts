import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { REALTIME_OPTIONS, WS_TICKET_STORE } from '../realtime.constants';
import type { ResolvedRealtimeOptions } from '../options/resolved-realtime-options.interface';
import { isWebSocketUpgrade } from './handshake-credentials';
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
  /** Tickets redeemed on upgrade requests, waiting to be taken once the handshake is accepted. */
  private readonly deferred = new WeakMap<object, string>();

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

  /**
   * Redeems a ticket: returns its principal once, then never again; `undefined` if unknown or
   * expired.
   *
   * Given the upgrade request the adapter is handling, the ticket is only looked at here; the
   * adapter takes it after every other check has accepted the handshake, right before
   * `101 Switching Protocols`, so a handshake refused with 400 or 429 does not spend it (and
   * one whose ticket was taken meanwhile by a concurrent handshake gets 401). Without a request,
   * or on any other request, it is taken at once.
   */
  async redeem<T extends object = object>(
    ticket: string,
    request?: object,
  ): Promise<T | undefined> {
    if (request === undefined || !isWebSocketUpgrade(request)) {
      return (await this.store.take(ticket, Date.now())) as T | undefined;
    }
    const principal = await this.store.peek(ticket, Date.now());
    if (principal !== undefined) this.deferred.set(request, ticket);
    return principal as T | undefined;
  }

  /**
   * Takes the ticket that {@link redeem} left for this upgrade request, if any. The adapter
   * calls it last, once the handshake is otherwise accepted.
   *
   * @returns `undefined` when no ticket waits; otherwise whether it could still be taken.
   */
  takeDeferred(request: object): Promise<boolean> | undefined {
    const ticket = this.deferred.get(request);
    if (ticket === undefined) return undefined;
    this.deferred.delete(request);
    return Promise.resolve(this.store.take(ticket, Date.now())).then(
      (principal) => principal !== undefined,
    );
  }
}

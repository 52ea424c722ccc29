import { Controller, Post, Req, UseGuards } from '@nestjs/common';
import { WsTicketService, type IssuedWsTicket } from '@nest-realtime/core';
import { TokenGuard } from './token.guard';

/** Browsers cannot set headers on a WebSocket: they fetch a one-time ticket first. */
@Controller()
export class TicketsController {
  constructor(private readonly tickets: WsTicketService) {}

  @Post('ws-ticket')
  @UseGuards(TokenGuard)
  issue(@Req() request: { user: object }): Promise<IssuedWsTicket> {
    return this.tickets.issue(request.user);
  }
}

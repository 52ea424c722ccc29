import {
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { readHandshakeCredential, WsTicketService } from '@nest-realtime/core';
import type { IncomingMessage } from 'node:http';

/** Demo API tokens; in your app, verify a JWT or a session here instead. */
const USERS = new Map([
  ['alice-token', 'alice'],
  ['bob-token', 'bob'],
]);

/**
 * Guards REST routes and WebSocket handshakes alike: a `Bearer` token, or (on a handshake only)
 * a one-time `?ticket=` issued by `POST /ws-ticket`, which is how browsers connect.
 */
@Injectable()
export class TokenGuard implements CanActivate {
  constructor(private readonly tickets: WsTicketService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<IncomingMessage & { user?: object }>();
    const credential = readHandshakeCredential(request);
    if (credential?.source === 'ticket') {
      request.user = await this.tickets.redeem(credential.value, request);
    } else if (credential !== undefined && USERS.has(credential.value)) {
      request.user = { sub: USERS.get(credential.value) };
    }
    if (request.user === undefined) throw new UnauthorizedException();
    return true;
  }
}

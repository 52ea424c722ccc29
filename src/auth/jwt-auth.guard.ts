import {
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { readHandshakeCredential, WsTicketService } from '@nest-realtime/core';
import type { AuthUser } from './auth-user.interface';
import { isAuthUser } from './auth-user.checks';
import * as messages from './auth.messages';
import type { AuthenticatedRequest } from './authenticated-request.interface';
import { UsersService } from '../users/users.service';

/** The only algorithm accepted: `none` and asymmetric algorithms (key confusion) are refused. */
export const JWT_ALGORITHM = 'HS256';

/**
 * Authenticates a REST request or a WebSocket upgrade and sets `request.user` to an
 * {@link AuthUser}. Accepts an `Authorization: Bearer` access token; on a WebSocket upgrade that
 * the realtime adapter is handling (never on a REST route) also a one-time `?ticket=` or
 * `?token=`. A token must carry `exp`. Every failure is a 401 with a fixed text: the reason (bad
 * signature, expired, reused ticket, signed out) is not the client's to learn, and no
 * credential is logged. A token of an earlier generation (the user signed out everywhere since,
 * `POST /auth/logout`) is refused; the generation is read from the database on every request,
 * so a sign-out holds on every instance at once.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly jwt: JwtService,
    private readonly tickets: WsTicketService,
    private readonly users: UsersService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const credential = readHandshakeCredential(request);
    if (credential === undefined) throw new UnauthorizedException(messages.missingCredentials());
    const user =
      credential.source === 'ticket'
        ? await this.redeemTicket(credential.value, request)
        : await this.verifyToken(credential.value);
    if (user === undefined || !(await this.isCurrent(user))) {
      throw new UnauthorizedException(messages.invalidCredentials());
    }
    request.user = user;
    return true;
  }

  /** Whether the credential is of the user's current generation (not signed out since). */
  private async isCurrent(user: AuthUser): Promise<boolean> {
    return (await this.users.tokenGeneration(user.sub)) === (user.gen ?? 0);
  }

  private async verifyToken(token: string): Promise<AuthUser | undefined> {
    let claims: unknown;
    try {
      claims = await this.jwt.verifyAsync<object>(token, { algorithms: [JWT_ALGORITHM] });
    } catch {
      // Malformed, forged, wrong algorithm or expired: all the same 401.
      return undefined;
    }
    // A token without `exp` would be valid forever: however it came to be signed, it is refused.
    return isAuthUser(claims) && claims.exp !== undefined ? claims : undefined;
  }

  private async redeemTicket(ticket: string, request: object): Promise<AuthUser | undefined> {
    // On a handshake the adapter spends the ticket only once it accepts the connection.
    const principal = await this.tickets.redeem(ticket, request);
    if (!isAuthUser(principal)) return undefined;
    // A ticket outliving the token it was issued for must not extend that token's life.
    if (principal.exp === undefined || principal.exp * 1000 <= Date.now()) return undefined;
    return principal;
  }
}

import { Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { RealtimePublisher, WsTicketService, type IssuedWsTicket } from '@nest-realtime/core';
import { AppConfigService } from '../config/app-config.service';
import { UsersService } from '../users/users.service';
import type { AuthUser } from './auth-user.interface';
import * as messages from './auth.messages';
import type { AccessToken, RegisteredUser } from './auth.responses';
import { LoginBackoff } from './login.backoff';

/** Registration, login and WebSocket tickets. */
@Injectable()
export class AuthService {
  private readonly logger = new Logger('AuthService');

  constructor(
    private readonly users: UsersService,
    private readonly jwt: JwtService,
    private readonly tickets: WsTicketService,
    private readonly config: AppConfigService,
    private readonly realtime: RealtimePublisher,
    private readonly backoff: LoginBackoff,
  ) {}

  /**
   * Registers a user.
   *
   * @throws ConflictException when the username is taken.
   */
  async register(username: string, password: string): Promise<RegisteredUser> {
    const { id, role } = await this.users.register(username, password);
    return { id, username, role };
  }

  /**
   * Signs an access token for valid credentials. A failure is logged (info) with the username
   * and `clientIp`, never the password.
   *
   * @throws UnauthorizedException with one text for an unknown user and a wrong password.
   * @throws RetryLaterException (429) while the username is backed off after failed logins.
   */
  async login(username: string, password: string, clientIp?: string): Promise<AccessToken> {
    await this.backoff.assertAllowed(username);
    const user = await this.users.verifyCredentials(username, password);
    if (user === undefined) {
      await this.backoff.recordFailure(username);
      this.logger.log(messages.loginFailed(username, clientIp));
      throw new UnauthorizedException(messages.invalidUsernameOrPassword());
    }
    await this.backoff.recordSuccess(username);
    const claims: AuthUser = {
      sub: user.id,
      username: user.username,
      role: user.role,
      gen: user.tokenGeneration,
    };
    return {
      accessToken: await this.jwt.signAsync(claims),
      expiresIn: this.config.jwtExpiresInSeconds,
    };
  }

  /**
   * Signs the user out everywhere: every access token and ticket issued so far stops working on
   * REST and on the WebSocket handshake (401), on every instance, and every open socket of the
   * user, on every instance, is closed with 1008 `signed out`.
   */
  async logout(user: AuthUser): Promise<void> {
    // The revocation commits first: a socket that reconnects after its close is refused.
    await this.users.signOutEverywhere(user.sub);
    this.realtime.disconnectUser(user.sub);
  }

  /** Issues a one-time WebSocket ticket standing for the already authenticated `user`. */
  issueWsTicket(user: AuthUser): Promise<IssuedWsTicket> {
    return this.tickets.issue(user);
  }
}

import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { BEARER } from '../openapi';
import {
  Body,
  Controller,
  HttpCode,
  HttpStatus,
  Ip,
  Post,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import type { IssuedWsTicket } from '@nest-realtime/core';
import type { AuthUser } from './auth-user.interface';
import type { AccessToken, RegisteredUser } from './auth.responses';
import { AuthService } from './auth.service';
import { CurrentUser } from './current-user.decorator';
import { LoginDto } from './dto/login.dto';
import { RegisterDto } from './dto/register.dto';
import { JwtAuthGuard } from './jwt-auth.guard';
import { RetryAfterFilter } from '../common/retry-after.filter';
import { CredentialsThrottle } from '../throttling/credentials-throttle.decorator';

@ApiTags('auth')
@Controller('auth')
// 429 (username backed off) and 503 (hashing saturated) with Retry-After.
@UseFilters(RetryAfterFilter)
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  /**
   * Creates an account: 201 with the user, 409 if the username is taken, 429 past the per-IP
   * limit, 503 while password hashing is saturated (both with `Retry-After`).
   */
  @Post('register')
  @CredentialsThrottle()
  register(@Body() body: RegisterDto): Promise<RegisteredUser> {
    return this.auth.register(body.username, body.password);
  }

  /**
   * Exchanges credentials for an access token: 200, or 401 for any bad credential; 429 past the
   * per-IP limit or after repeated failures for the username, 503 while password hashing is
   * saturated (all with `Retry-After`).
   */
  @Post('login')
  @CredentialsThrottle()
  @HttpCode(HttpStatus.OK)
  login(@Body() body: LoginDto, @Ip() clientIp: string): Promise<AccessToken> {
    // req.ip: the client behind trusted proxies (TRUST_PROXY), for the failed-login log line.
    return this.auth.login(body.username, body.password, clientIp);
  }

  /**
   * Signs out everywhere: 204; every access token and WebSocket ticket of the user issued so far
   * is refused from now on (401), and the user's open WebSockets, on every instance, are closed
   * with 1008 `signed out`.
   */
  @Post('logout')
  @HttpCode(HttpStatus.NO_CONTENT)
  @UseGuards(JwtAuthGuard)
  @ApiBearerAuth(BEARER)
  logout(@CurrentUser() user: AuthUser): Promise<void> {
    return this.auth.logout(user);
  }

  /**
   * Issues a one-time, 30-second ticket for a browser's WebSocket handshake (`?ticket=`), since
   * browsers cannot set an `Authorization` header on a WebSocket.
   */
  @Post('ws-ticket')
  @HttpCode(HttpStatus.OK)
  @UseGuards(JwtAuthGuard)
  @ApiBearerAuth(BEARER)
  wsTicket(@CurrentUser() user: AuthUser): Promise<IssuedWsTicket> {
    return this.auth.issueWsTicket(user);
  }
}

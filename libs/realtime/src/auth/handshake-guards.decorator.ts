import { SetMetadata, type CanActivate, type Type } from '@nestjs/common';
import { HANDSHAKE_GUARDS_METADATA } from '../realtime.constants';

/**
 * Guards that run on the HTTP upgrade request before any `101 Switching Protocols`: ordinary
 * Nest `CanActivate` classes (resolved through DI, so the guard protecting your REST routes
 * works here unchanged) or instances. A guard sees the request via
 * `context.switchToHttp().getRequest()` (a Node `IncomingMessage`; `getResponse()` is
 * `undefined`) and sets `request.user`.
 *
 * A refusal is an HTTP answer: `UnauthorizedException` → 401, `ForbiddenException` or `false`
 * → 403, another `HttpException` → its status, anything else → 500.
 */
export const HandshakeGuards = (...guards: (Type<CanActivate> | CanActivate)[]): ClassDecorator =>
  SetMetadata(HANDSHAKE_GUARDS_METADATA, guards);

import {
  ForbiddenException,
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { UserRole } from '../users/user.interface';
import * as messages from './auth.messages';
import type { AuthenticatedRequest } from './authenticated-request.interface';
import { ROLES_METADATA } from './roles.decorator';

/**
 * Enforces {@link Roles}: 403 when the authenticated user holds none of the roles. A route
 * without `@Roles()` is open to any authenticated user.
 */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const roles = this.reflector.getAllAndOverride<UserRole[] | undefined>(ROLES_METADATA, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (roles === undefined || roles.length === 0) return true;
    const { user } = context.switchToHttp().getRequest<AuthenticatedRequest>();
    // No user means JwtAuthGuard did not run first; refuse rather than guess.
    if (user === undefined) throw new UnauthorizedException(messages.missingCredentials());
    if (!roles.includes(user.role)) throw new ForbiddenException(messages.missingRole(roles));
    return true;
  }
}

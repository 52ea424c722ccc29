import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthUser } from './auth-user.interface';
import * as messages from './auth.messages';
import type { AuthenticatedRequest } from './authenticated-request.interface';

/**
 * The {@link AuthUser} that {@link JwtAuthGuard} authenticated. On a route without the guard it
 * throws (a 500): a missing guard is a bug to surface, not an anonymous request to let through.
 */
export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthUser => {
    const { user } = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (user === undefined) throw new Error(messages.currentUserWithoutGuard());
    return user;
  },
);

import { SetMetadata, type CustomDecorator } from '@nestjs/common';
import type { UserRole } from '../users/user.interface';

/** Metadata key under which {@link Roles} stores the roles a route accepts. */
export const ROLES_METADATA = 'app:roles';

/**
 * Restricts a controller or route to users holding one of `roles`; enforced by
 * {@link RolesGuard}, which must run after {@link JwtAuthGuard}:
 * `@UseGuards(JwtAuthGuard, RolesGuard) @Roles('admin')`.
 */
export const Roles = (...roles: UserRole[]): CustomDecorator<string> =>
  SetMetadata(ROLES_METADATA, roles);

export { AuthModule } from './auth.module';
export type { AuthUser } from './auth-user.interface';
export { isAdmin, isAuthUser } from './auth-user.checks';
export type { AuthenticatedRequest } from './authenticated-request.interface';
export type { AccessToken, RegisteredUser } from './auth.responses';
export { CurrentUser } from './current-user.decorator';
export { JWT_ALGORITHM, JwtAuthGuard } from './jwt-auth.guard';
export { ROLES_METADATA, Roles } from './roles.decorator';
export { RolesGuard } from './roles.guard';

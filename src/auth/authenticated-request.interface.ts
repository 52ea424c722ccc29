import type { IncomingMessage } from 'node:http';
import type { AuthUser } from './auth-user.interface';

/**
 * A request after {@link JwtAuthGuard}: an Express request on REST routes, a bare
 * `IncomingMessage` on the WebSocket upgrade, so only what both have is typed.
 */
export type AuthenticatedRequest = IncomingMessage & { user?: AuthUser };

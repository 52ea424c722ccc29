import { SetMetadata } from '@nestjs/common';
import { CREDENTIALS_THROTTLE } from './throttling.constants';

/**
 * Puts a route under the stricter per-IP limit for routes that take a password
 * (THROTTLE_AUTH_LIMIT per THROTTLE_AUTH_TTL_MS), on top of the default one.
 */
export const CredentialsThrottle = (): MethodDecorator & ClassDecorator =>
  SetMetadata(CREDENTIALS_THROTTLE, true);

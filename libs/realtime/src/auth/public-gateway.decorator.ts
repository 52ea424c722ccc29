import { SetMetadata } from '@nestjs/common';
import { PUBLIC_GATEWAY_METADATA } from '../realtime.constants';

/**
 * Marks a gateway as open to anyone: without `@HandshakeGuards()` it accepts anonymous
 * connections instead of refusing to boot. (The module option `publicGateways: true` does the
 * same for every gateway.) An anonymous connection's principal is
 * `{ userId: 'anonymous:<uuid>', user: undefined }`: a user of its own, so rooms, broadcasts and
 * connection-addressed pushes reach it and the per-user cap counts it alone. Origin checks, caps,
 * rate limits, heartbeats and backpressure apply as to any connection.
 *
 * @example
 * ```ts
 * @WebSocketGateway({ path: '/public' })
 * @PublicGateway()
 * export class TickerGateway {}
 * ```
 */
export const PublicGateway = (): ClassDecorator => SetMetadata(PUBLIC_GATEWAY_METADATA, true);

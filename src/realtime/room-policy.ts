import type { RoomAuthorizationRequest } from '@nest-realtime/core';

/**
 * The reference backend's room policy: `user:<id>` is open to that user only, `public:*` to
 * anyone signed in, every other room to no one.
 */
export function authorizeRoom({ principal, room }: RoomAuthorizationRequest): boolean {
  if (room.startsWith('public:')) return room.length > 'public:'.length;
  return room === `user:${principal.userId}`;
}

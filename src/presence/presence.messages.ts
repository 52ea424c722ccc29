/** Texts the presence routes answer. */

/** A user asked about someone else's presence without the `admin` role. */
export function othersPresenceForbidden(): string {
  return "Only admins may see another user's presence";
}

/** Redis (the presence store) cannot answer: the count is unknown, not zero. */
export function presenceUnavailable(): string {
  return 'Presence is unavailable right now; try again shortly';
}

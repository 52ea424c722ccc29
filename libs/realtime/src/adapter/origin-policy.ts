/**
 * Whether a handshake's `Origin` header passes `allowedOrigins` (exact match). With no allowed
 * origins configured every request passes. A missing header passes: only browsers send it, and
 * non-browser clients are held to authentication alone. The literal `null` (sandboxed iframes,
 * `file:` pages) never passes a configured list.
 */
export function isOriginAllowed(origin: string | undefined, allowed: ReadonlySet<string>): boolean {
  if (allowed.size === 0 || origin === undefined) return true;
  return allowed.has(origin);
}

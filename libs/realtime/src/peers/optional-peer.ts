import * as messages from '../realtime.messages';

/**
 * Throws a clear error when an optional peer of a feature entry point is not installed. Called
 * by that entry point's check module before anything requires the peer, so the app fails with
 * what to install rather than Node's bare "Cannot find module".
 */
export function assertOptionalPeer(entry: string, packageName: string, feature: string): void {
  try {
    require.resolve(packageName);
  } catch {
    throw new Error(messages.optionalPeerMissing(entry, packageName, feature));
  }
}

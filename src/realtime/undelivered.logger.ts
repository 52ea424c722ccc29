import { Logger } from '@nestjs/common';
import type { DeliveryLogEntry } from '@nest-realtime/core';

const logger = new Logger('Undelivered');

/**
 * The reference backend's fallback for entries no device acknowledged in time: a warning per
 * user (type and seq only, never the content). An app would send an e-mail or a mobile push here.
 */
export function logUndelivered(entries: DeliveryLogEntry[]): void {
  const byUser = new Map<string, DeliveryLogEntry[]>();
  for (const entry of entries) {
    const list = byUser.get(entry.userId) ?? [];
    list.push(entry);
    byUser.set(entry.userId, list);
  }
  for (const [userId, list] of byUser) {
    logger.warn(
      `${list.length} message(s) for user ${userId} not acknowledged in time: ` +
        list.map((entry) => `${entry.type}#${entry.seq}`).join(', '),
    );
  }
}

/**
 * `@nest-realtime/core/kysely`: the durable delivery log on Kysely (SQLite or PostgreSQL).
 * A separate entry so that an app using live push only never loads Kysely; it needs the
 * optional peer `kysely` and the app's driver (`pg` or `better-sqlite3`).
 */
import './peers/kysely.peer-check';

export {
  createDeliveryLogTables,
  dropDeliveryLogTables,
  upgradeDeliveryLogTables,
  type DeliveryLogTables,
} from './durable/delivery-log.schema';
export {
  KyselyDeliveryLogStore,
  type KyselyDeliveryLogStoreOptions,
} from './durable/kysely-delivery-log.store';
export { olderThanCursor } from './durable/newest-first-cursor';

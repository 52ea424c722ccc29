/**
 * `@nest-realtime/core/redis`: Redis for running the module on several instances (the
 * cluster bus's transport, one-time tickets any instance accepts, and cluster-wide presence). A separate
 * entry so that a single-instance app never loads ioredis; it needs the optional peer `ioredis`.
 */
import './peers/redis.peer-check';

export {
  RedisClusterTransport,
  type RedisClusterTransportOptions,
} from './redis/redis-cluster.transport';
export { RedisWsTicketStore, type RedisWsTicketStoreOptions } from './redis/redis-ws-ticket.store';
export { RedisPresenceStore, type RedisPresenceStoreOptions } from './redis/redis-presence.store';

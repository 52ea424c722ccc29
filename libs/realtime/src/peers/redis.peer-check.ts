// Imported first by the `@nest-realtime/core/redis` entry (listed under `sideEffects`).
import { assertOptionalPeer } from './optional-peer';

assertOptionalPeer('@nest-realtime/core/redis', 'ioredis', 'the Redis cluster transport');

// Imported first by the `@nest-realtime/core/kysely` entry (listed under `sideEffects`).
import { assertOptionalPeer } from './optional-peer';

assertOptionalPeer('@nest-realtime/core/kysely', 'kysely', 'the durable delivery log');

// Imported first by the `@nest-realtime/core/reminders` entry (listed under `sideEffects`).
import { assertOptionalPeer } from './optional-peer';

assertOptionalPeer('@nest-realtime/core/reminders', 'kysely', 'reminders');
assertOptionalPeer('@nest-realtime/core/reminders', 'croner', 'recurring reminders');

import { RESERVED_MESSAGE_TYPES } from '../realtime.constants';
import type { IncomingMessage } from 'node:http';
import type { RealtimePrincipal } from '../auth/realtime-principal.interface';
import * as messages from '../realtime.messages';
import type { RealtimeModuleOptions } from './realtime-module-options.interface';
import type { ResolvedRealtimeOptions } from './resolved-realtime-options.interface';
import { isWireFormat, type RealtimeWireFormat } from '../protocol/wire-format';

/** Thrown at boot when options are invalid; the message names every bad field. */
export class RealtimeOptionsError extends TypeError {
  constructor(readonly problems: readonly string[]) {
    super(messages.invalidOptions(problems));
    this.name = 'RealtimeOptionsError';
  }
}

const DEFAULTS = {
  path: '/ws',
  maxPayloadBytes: 64 * 1024,
  heartbeatIntervalMs: 30_000,
  messagesPerSecond: 20,
  burst: 40,
  maxViolations: 10,
  maxConnectionsPerUser: 10,
  maxRoomsPerConnection: 100,
  maxBufferedBytes: 1024 * 1024,
  compressionThresholdBytes: 1024,
  ticketTtlMs: 30_000,
  shutdownTimeoutMs: 5_000,
  replayBatchSize: 500,
  maxEntryDataBytes: 64 * 1024,
  reminderSweepIntervalMs: 5_000,
  maintenanceIntervalMs: 60_000,
  gapWaitMs: 250,
  positionCheckIntervalMs: 5_000,
  presenceRefreshMs: 15_000,
} as const;

const denyAllRooms = (): boolean => false;

/** Reads the JWT-shaped `request.user` most guards leave behind: `sub` or `id`, and `exp`. */
export function defaultPrincipalResolver(
  request: IncomingMessage & { user?: unknown },
): RealtimePrincipal {
  const user = request.user;
  if (typeof user !== 'object' || user === null) throw new Error(messages.unidentifiedUser());
  const claims = user as { sub?: unknown; id?: unknown; exp?: unknown };
  const id = claims.sub ?? claims.id;
  if ((typeof id !== 'string' || id === '') && typeof id !== 'number') {
    throw new Error(messages.unidentifiedUser());
  }
  const expiresAt = typeof claims.exp === 'number' ? claims.exp * 1000 : undefined;
  return { userId: String(id), expiresAt, user };
}

/**
 * Merges defaults into `options` and validates the result. The only place defaults live.
 *
 * @throws RealtimeOptionsError naming every invalid field at once.
 */
export function resolveRealtimeOptions(
  options: RealtimeModuleOptions = {},
): ResolvedRealtimeOptions {
  const problems: string[] = [];
  const positive = (field: string, value: number | undefined, fallback: number): number => {
    const resolved = value ?? fallback;
    if (!Number.isSafeInteger(resolved) || resolved <= 0) {
      problems.push(messages.optionMustBePositiveInteger(field, value));
    }
    return resolved;
  };
  const fn = <T>(field: string, value: T | undefined, fallback: T): T => {
    if (value !== undefined && typeof value !== 'function') {
      problems.push(messages.optionMustBeFunction(field));
    }
    return value ?? fallback;
  };

  const path = options.path ?? DEFAULTS.path;
  if (typeof path !== 'string' || !path.startsWith('/')) {
    problems.push(messages.pathMustStartWithSlash(path));
  }
  const origins = options.allowedOrigins ?? [];
  for (const origin of origins) {
    if (!isExactOrigin(origin)) problems.push(messages.originMustBeExact(origin));
  }
  const rate = options.rateLimit ?? {};
  const compression = options.compression ?? false;

  const resolved: ResolvedRealtimeOptions = {
    path,
    allowedOrigins: new Set(origins),
    maxPayloadBytes: positive('maxPayloadBytes', options.maxPayloadBytes, DEFAULTS.maxPayloadBytes),
    heartbeatIntervalMs: positive(
      'heartbeatIntervalMs',
      options.heartbeatIntervalMs,
      DEFAULTS.heartbeatIntervalMs,
    ),
    heartbeatFrames: flag(problems, 'heartbeatFrames', options.heartbeatFrames),
    builtInMessages: builtIns(problems, options),
    wireFormat: wireFormat(problems, 'wireFormat', options.wireFormat) ?? 'realtime',
    publicGateways: flag(problems, 'publicGateways', options.publicGateways),
    rateLimit: {
      messagesPerSecond: positive(
        'rateLimit.messagesPerSecond',
        rate.messagesPerSecond,
        DEFAULTS.messagesPerSecond,
      ),
      burst: positive('rateLimit.burst', rate.burst, DEFAULTS.burst),
      maxViolations: positive(
        'rateLimit.maxViolations',
        rate.maxViolations,
        DEFAULTS.maxViolations,
      ),
    },
    maxConnectionsPerUser: positive(
      'maxConnectionsPerUser',
      options.maxConnectionsPerUser,
      DEFAULTS.maxConnectionsPerUser,
    ),
    maxRoomsPerConnection: positive(
      'maxRoomsPerConnection',
      options.maxRoomsPerConnection,
      DEFAULTS.maxRoomsPerConnection,
    ),
    maxBufferedBytes: positive(
      'maxBufferedBytes',
      options.maxBufferedBytes,
      DEFAULTS.maxBufferedBytes,
    ),
    compression:
      compression === false
        ? false
        : {
            thresholdBytes: nonNegative(
              problems,
              'compression.thresholdBytes',
              compression.thresholdBytes,
              DEFAULTS.compressionThresholdBytes,
            ),
          },
    ticketTtlMs: positive('ticketTtlMs', options.ticketTtlMs, DEFAULTS.ticketTtlMs),
    ticketStore: options.ticketStore,
    deliveryLog: options.deliveryLog,
    replayBatchSize: positive('replayBatchSize', options.replayBatchSize, DEFAULTS.replayBatchSize),
    maxEntryDataBytes: positive(
      'maxEntryDataBytes',
      options.maxEntryDataBytes,
      DEFAULTS.maxEntryDataBytes,
    ),
    reminderStore: options.reminderStore,
    cluster: options.cluster,
    presence: options.presence,
    presenceRefreshMs: positive(
      'presenceRefreshMs',
      options.presenceRefreshMs,
      DEFAULTS.presenceRefreshMs,
    ),
    gapWaitMs: positive('gapWaitMs', options.gapWaitMs, DEFAULTS.gapWaitMs),
    positionCheckIntervalMs: nonNegative(
      problems,
      'positionCheckIntervalMs',
      options.positionCheckIntervalMs,
      DEFAULTS.positionCheckIntervalMs,
    ),
    retention:
      options.retention === undefined
        ? undefined
        : {
            maxAgeMs:
              options.retention.maxAgeMs === undefined
                ? undefined
                : positive('retention.maxAgeMs', options.retention.maxAgeMs, 1),
            maxEntriesPerUser:
              options.retention.maxEntriesPerUser === undefined
                ? undefined
                : positive('retention.maxEntriesPerUser', options.retention.maxEntriesPerUser, 1),
          },
    undeliveredAfterMs:
      options.undeliveredAfterMs === undefined
        ? undefined
        : positive('undeliveredAfterMs', options.undeliveredAfterMs, 1),
    onUndelivered:
      options.onUndelivered === undefined
        ? undefined
        : fn('onUndelivered', options.onUndelivered, options.onUndelivered),
    maintenanceIntervalMs: positive(
      'maintenanceIntervalMs',
      options.maintenanceIntervalMs,
      DEFAULTS.maintenanceIntervalMs,
    ),
    reminderSweepIntervalMs: positive(
      'reminderSweepIntervalMs',
      options.reminderSweepIntervalMs,
      DEFAULTS.reminderSweepIntervalMs,
    ),
    shutdownTimeoutMs: positive(
      'shutdownTimeoutMs',
      options.shutdownTimeoutMs,
      DEFAULTS.shutdownTimeoutMs,
    ),
    authorizeRoom: fn('authorizeRoom', options.authorizeRoom, denyAllRooms),
    resolvePrincipal: fn('resolvePrincipal', options.resolvePrincipal, defaultPrincipalResolver),
  };
  if (options.reminderStore !== undefined && options.deliveryLog === undefined) {
    problems.push(messages.remindersNeedDeliveryLog());
  }
  if (problems.length > 0) throw new RealtimeOptionsError(problems);
  return resolved;
}

function nonNegative(
  problems: string[],
  field: string,
  value: number | undefined,
  fallback: number,
): number {
  const resolved = value ?? fallback;
  if (!Number.isSafeInteger(resolved) || resolved < 0) {
    problems.push(messages.optionMustBeNonNegativeInteger(field, value));
  }
  return resolved;
}

/** The built-in message types left on by `builtInMessages`. */
function builtIns(problems: string[], options: RealtimeModuleOptions): ReadonlySet<string> {
  const switches = options.builtInMessages ?? {};
  const on = new Set<string>(RESERVED_MESSAGE_TYPES);
  for (const [type, value] of Object.entries(switches) as [string, unknown][]) {
    if (!on.has(type)) {
      problems.push(messages.unknownBuiltInMessage(type));
      continue;
    }
    if (value !== undefined && typeof value !== 'boolean') {
      problems.push(messages.optionMustBeBoolean(`builtInMessages.${type}`, value));
      continue;
    }
    if (value !== false) continue;
    if ((type === 'ack' || type === 'resume') && options.deliveryLog !== undefined) {
      problems.push(messages.builtInNeededByDeliveryLog(type));
      continue;
    }
    on.delete(type);
  }
  return on;
}

function wireFormat(
  problems: string[],
  field: string,
  value: unknown,
): RealtimeWireFormat | undefined {
  if (value === undefined || isWireFormat(value)) return value;
  problems.push(messages.optionMustBeWireFormat(field, value));
  return undefined;
}

function flag(problems: string[], field: string, value: boolean | undefined): boolean {
  if (value !== undefined && typeof value !== 'boolean') {
    problems.push(messages.optionMustBeBoolean(field, value));
  }
  return value === true;
}

function isExactOrigin(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    return new URL(value).origin === value;
  } catch {
    return false;
  }
}

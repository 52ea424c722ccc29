export { RealtimeClient } from './realtime-client';
export type { ConnectionEvents, ConnectionState, RequestOptions } from './realtime-client';
export type {
  BrowserEnvironment,
  HeartbeatOptions,
  RealtimeAuth,
  RealtimeClientOptions,
  ReconnectOptions,
  WebSocketConstructorLike,
  WebSocketLike,
} from './client-options';
export { fullJitterDelay, type BackoffOptions } from './backoff';
export {
  CLOSE_POLICIES,
  closePolicy,
  FINAL_HANDSHAKE_STATUSES,
  type ClosePolicy,
} from './close-policy';
export {
  RealtimeClosedError,
  RealtimeConnectionLostError,
  RealtimeQueueFullError,
  RealtimeRequestError,
  RealtimeTimeoutError,
} from './errors';
export type {
  ClientFrame,
  ConnectedData,
  ErrorFrameData,
  NotificationPush,
  ReferenceServerEvents,
  Reminder,
  ReminderFiring,
  ResumeData,
  ResumeRequestData,
  ResyncData,
  ServerFrame,
} from './protocol';
export type { EventMeta, Listener } from './typed-emitter';

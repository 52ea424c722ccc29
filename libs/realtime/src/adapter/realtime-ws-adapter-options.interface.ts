import type { RealtimeMessageParser } from '../protocol/message-parser.interface';

/** Options of `new RealtimeWsAdapter(app, options)`, like `@nestjs/platform-ws`'s `WsAdapter`. */
export interface RealtimeWsAdapterOptions {
  /**
   * Reads inbound messages in a wire format of your own instead of the JSON frames
   * `{"type","data"?,"id"?}` (see {@link RealtimeMessageParser}); also settable later with
   * `adapter.setMessageParser(parser)`. Without it, frames are parsed as JSON frames.
   */
  messageParser?: RealtimeMessageParser;
}

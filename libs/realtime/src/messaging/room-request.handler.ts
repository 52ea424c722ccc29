import { Inject, Injectable } from '@nestjs/common';
import { REALTIME_OPTIONS } from '../realtime.constants';
import * as messages from '../realtime.messages';
import type { ResolvedRealtimeOptions } from '../options/resolved-realtime-options.interface';
import { RealtimeErrorCode } from '../protocol/realtime-codes';
import { ConnectionRegistry } from '../registry/connection-registry';
import type { RealtimeConnection } from '../registry/realtime-connection';
import { RealtimeException } from './realtime.exception';
import { RoomRequestDto } from './room-request.dto';
import { validateBuiltInPayload } from './built-in-payload.validator';

/** Answer to `join` and `leave`. */
export interface RoomReply {
  room: string;
}

/** Serves the built-in `join` and `leave` messages: validation, then `authorizeRoom` for joins. */
@Injectable()
export class RoomRequestHandler {
  constructor(
    @Inject(REALTIME_OPTIONS) private readonly options: ResolvedRealtimeOptions,
    private readonly registry: ConnectionRegistry,
  ) {}

  /**
   * Authorizes first and counts after: the registry's cap is checked in the same synchronous
   * step that adds the room, so concurrent joins cannot overshoot it while `authorizeRoom` awaits.
   *
   * @throws RealtimeException `VALIDATION_FAILED`, `FORBIDDEN` or `TOO_MANY_ROOMS`.
   */
  async join(connection: RealtimeConnection, data: unknown): Promise<RoomReply> {
    const { room } = await validateBuiltInPayload(RoomRequestDto, data);
    const allowed = await this.options.authorizeRoom({
      principal: connection.principal,
      room,
      connectionId: connection.id,
    });
    if (allowed !== true) {
      throw new RealtimeException(RealtimeErrorCode.FORBIDDEN, messages.roomForbidden(room));
    }
    this.registry.join(connection.id, room);
    return { room };
  }

  /** Leaving a room one is not in is not an error: the outcome is the same. */
  async leave(connection: RealtimeConnection, data: unknown): Promise<RoomReply> {
    const { room } = await validateBuiltInPayload(RoomRequestDto, data);
    this.registry.leave(connection.id, room);
    return { room };
  }
}

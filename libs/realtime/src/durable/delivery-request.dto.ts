import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import * as messages from '../realtime.messages';
import { DELIVERY_LOG_EPOCH_PATTERN } from './delivery-log-epoch';

/** `data` of an `ack` frame. */
export class AckRequestDto {
  /** Everything up to and including this seq has been handled by the client. */
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  seq!: number;
}

/** `data` of a `resume` frame. */
export class ResumeRequestDto {
  /** The last seq the client has; it gets every entry after it. `0` for everything kept. */
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  lastSeq!: number;

  /**
   * The epoch of the log the cursor belongs to (from the last `resume` or `resync` frame). One
   * that is not the log's gets `resync`; without it (`null` counts as without) only the
   * cursor's position is checked.
   */
  @IsOptional()
  @Matches(DELIVERY_LOG_EPOCH_PATTERN, { message: messages.invalidEpoch() })
  epoch?: string | null;
}

import { IsInt, Max, Min } from 'class-validator';

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
}

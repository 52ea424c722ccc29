import { RealtimeException } from '../messaging/realtime.exception';
import { RealtimeErrorCode } from '../protocol/realtime-codes';

/** A `VALIDATION_FAILED` naming one field and the constraint it broke. */
export function invalidField(field: string, constraint: string, text: string): RealtimeException {
  return new RealtimeException(RealtimeErrorCode.VALIDATION_FAILED, text, [
    { field, constraints: { [constraint]: text } },
  ]);
}

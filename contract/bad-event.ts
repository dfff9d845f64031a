/**
 * Rejected input, kept rather than dropped: like Snowplow's bad rows, every event the stack
 * refuses travels on the bad-events topic with the reason and (a bounded copy of) the payload.
 */
import { Type, type Static } from '@sinclair/typebox';

/** Why an input was rejected. */
export const FAILURE_TYPES = [
  'size_violation',
  'protocol_violation',
  'schema_violation',
  'decode_failure',
  'index_failure',
  /** A valid event a processor could not store (the reason names the processor). */
  'processing_failure',
] as const;

/** At most this many characters of the offending payload are kept. */
export const BAD_PAYLOAD_MAX = 16384;

export const BadEventSchema = Type.Object(
  {
    schemaVersion: Type.Literal('1.0.0'),
    failureType: Type.Unsafe<(typeof FAILURE_TYPES)[number]>({ type: 'string', enum: [...FAILURE_TYPES] }),
    /** One line saying what is wrong, naming the field where there is one. */
    reason: Type.String(),
    /** Where the input came from: collector endpoint, processor name, import file. */
    origin: Type.String(),
    receivedTimestamp: Type.String({ format: 'date-time' }),
    /** The rejected payload as text, truncated to {@link BAD_PAYLOAD_MAX} characters. */
    payload: Type.String({ maxLength: BAD_PAYLOAD_MAX }),
    truncated: Type.Boolean(),
  },
  { additionalProperties: false },
);

/** A rejected input with its reason. */
export type BadEvent = Static<typeof BadEventSchema>;
export type FailureType = BadEvent['failureType'];

/** Builds a bad event, truncating the payload so one hostile request cannot blow up the bad stream. */
export function badEvent(
  failureType: FailureType,
  reason: string,
  origin: string,
  payload: string,
  receivedAt: Date = new Date(),
): BadEvent {
  const truncated = payload.length > BAD_PAYLOAD_MAX;
  return {
    schemaVersion: '1.0.0',
    failureType,
    reason,
    origin,
    receivedTimestamp: receivedAt.toISOString(),
    payload: truncated ? payload.slice(0, BAD_PAYLOAD_MAX) : payload,
    truncated,
  };
}

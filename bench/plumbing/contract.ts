/**
 * Bench only: the contract with validation and encoding replaced by a fixed 1 KiB record keyed
 * by the session id, the size of an encoded pixel event (see ../collector.ts).
 */
import type { ClickEvent, KafkaRecord, Validation } from '../../contract';

export * from '../../contract';

const VALUE = Buffer.alloc(1024, 'x');

export function validateEvent(input: unknown): Validation {
  return { ok: true, event: input as ClickEvent };
}

export function encodeEvent(event: ClickEvent): KafkaRecord {
  return { key: Buffer.from(event.sessionId, 'utf8'), value: VALUE };
}

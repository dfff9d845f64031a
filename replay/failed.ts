/**
 * Reading records of the `clickstream-failed` topic, where the event source mappings put
 * batches that still failed after their retries. AWS documents that a Kafka on-failure
 * destination receives "the actual failed records along with failure metadata"; the other
 * destinations receive a JSON invocation record whose `payload` is the MSK event. Both are read:
 * a value that is itself a contract event, or a JSON document holding MSK-shaped `records`
 * (base64 values) at its top level or under `payload`. Anything else is kept as a bad event.
 */
import { badEvent, decodeEvent, type BadEvent, type ClickEvent } from '../contract';

/** The events one failed record carries, and what could not be read as events. */
export interface FailedRecordContent {
  events: ClickEvent[];
  bad: BadEvent[];
}

/** The origin named in bad events made here. */
export const REPLAY_ORIGIN = 'replay';

interface MskRecordLike {
  value?: unknown;
}

function mskRecords(doc: unknown): MskRecordLike[] | undefined {
  if (typeof doc !== 'object' || doc === null) return undefined;
  const holder = 'records' in doc ? doc : 'payload' in doc ? (doc as { payload: unknown }).payload : undefined;
  const records = typeof holder === 'object' && holder !== null && 'records' in holder ? holder.records : undefined;
  if (typeof records !== 'object' || records === null || Array.isArray(records)) return undefined;
  return Object.values(records as Record<string, unknown>).flatMap((list) => (Array.isArray(list) ? (list as MskRecordLike[]) : []));
}

/** Reads one failed-topic record value; never throws. */
export function readFailedRecord(value: Buffer, where: string): FailedRecordContent {
  const direct = decodeEvent(value);
  if (direct.ok) return { events: [direct.event], bad: [] };
  const text = value.toString('utf8');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    doc = undefined;
  }
  const records = mskRecords(doc);
  if (!records) return { events: [], bad: [badEvent('decode_failure', `${where}: ${direct.reason}`, REPLAY_ORIGIN, text)] };
  const out: FailedRecordContent = { events: [], bad: [] };
  records.forEach((r, i) => {
    const inner = Buffer.from(typeof r.value === 'string' ? r.value : '', 'base64');
    const decoded = decodeEvent(inner);
    if (decoded.ok) out.events.push(decoded.event);
    else out.bad.push(badEvent('decode_failure', `${where} record ${i}: ${decoded.reason}`, REPLAY_ORIGIN, inner.toString('utf8')));
  });
  return out;
}

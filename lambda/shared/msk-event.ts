/**
 * The shared decoder for the event Lambda receives from an MSK event source mapping: records
 * grouped per topic-partition, values base64-encoded. Records that do not decode to a valid
 * contract event become bad events with the reason, so they never block their partition.
 */
import type { MSKEvent } from 'aws-lambda';
import { badEvent, decodeEvent, type BadEvent, type ClickEvent } from '../../contract';

/** One decoded record: a valid event or the reason it is not one. */
export type DecodedRecord = { offset: number; event: ClickEvent } | { offset: number; bad: BadEvent };

/** The decoded records of one topic-partition, in offset order. */
export interface PartitionBatch {
  topic: string;
  partition: number;
  records: DecodedRecord[];
}

/** Decodes every record of an MSK event; `origin` names the processor in bad events. */
export function decodeMskEvent(event: MSKEvent, origin: string): PartitionBatch[] {
  return Object.values(event.records ?? {}).map((records) => {
    const sorted = [...records].sort((a, b) => a.offset - b.offset);
    const { topic, partition } = sorted[0];
    return {
      topic,
      partition,
      records: sorted.map((r): DecodedRecord => {
        const value = Buffer.from(r.value ?? '', 'base64');
        const decoded = decodeEvent(value);
        if (decoded.ok) return { offset: r.offset, event: decoded.event };
        const reason = `${topic}-${partition}@${r.offset}: ${decoded.reason}`;
        return { offset: r.offset, bad: badEvent('decode_failure', reason, origin, value.toString('utf8'), new Date(r.timestamp)) };
      }),
    };
  });
}

/** Builds the MSK event shape from raw records (used by local mode, which reads the durable log). */
export function toMskEvent(
  records: { topic: string; partition: number; offset: number; timestamp: number; key: Buffer; value: Buffer }[],
  eventSourceArn = 'arn:aws:kafka:local:000000000000:cluster/local/local',
): MSKEvent {
  const grouped: MSKEvent['records'] = {};
  for (const r of records) {
    (grouped[`${r.topic}-${r.partition}`] ??= []).push({
      topic: r.topic,
      partition: r.partition,
      offset: r.offset,
      timestamp: r.timestamp,
      timestampType: 'CREATE_TIME',
      key: r.key.toString('base64'),
      value: r.value.toString('base64'),
      headers: [],
    });
  }
  return { eventSource: 'aws:kafka', eventSourceArn, bootstrapServers: 'local', records: grouped };
}

/**
 * Valid events a processor could not store (a value the warehouse or the index refuses): kept
 * as bad events under `bad/<processor>/` in the archive layout, so they are never lost and
 * never stop their partition.
 */
import { badEvent, type ClickEvent, type FailureType } from '../../contract';
import { archiveObjects } from '../archiver/archive';
import type { PartitionBatch } from './msk-event';
import type { ObjectStore } from './object-store';

/** One refused event, where it was read, and why. */
export interface Refused {
  topic: string;
  partition: number;
  offset: number;
  event: ClickEvent;
  reason: string;
}

/** Writes refused events as bad events with the reason and the event as payload. */
export async function keepRefused(store: ObjectStore, processor: string, failure: FailureType, refused: readonly Refused[]): Promise<void> {
  if (refused.length === 0) return;
  const batches = new Map<string, PartitionBatch>();
  for (const r of refused) {
    const key = `${r.topic}-${r.partition}`;
    let b = batches.get(key);
    if (!b) batches.set(key, (b = { topic: r.topic, partition: r.partition, records: [] }));
    b.records.push({
      offset: r.offset,
      bad: badEvent(failure, r.reason, processor, JSON.stringify(r.event), new Date(r.event.receivedTimestamp)),
    });
  }
  for (const object of archiveObjects([...batches.values()], `bad/${processor}`)) await store.put(object);
}

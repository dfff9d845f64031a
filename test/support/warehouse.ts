import { encodeEvent, partitionFor, type ClickEvent } from '../../contract';
import { decodeMskEvent, toMskEvent, type PartitionBatch } from '../../lambda/shared/msk-event';
import { migrate } from '../../warehouse/migrations';
import { PgliteExecutor } from '../../warehouse/pglite';
import { TABLES } from '../../lambda/aggregator/tables';

/** A fresh in-memory warehouse with the migrations applied. */
export async function freshWarehouse(): Promise<PgliteExecutor> {
  const db = await PgliteExecutor.open();
  await migrate(db, 'postgres');
  return db;
}

/** Events laid out on partitions as the producer would, with offsets. */
export function toLog(events: ClickEvent[], topic = 'clickstream', partitions = 3) {
  const next = new Array(partitions).fill(0);
  return events.map((e) => {
    const { key, value } = encodeEvent(e);
    const partition = partitionFor(key, partitions);
    return { topic, partition, offset: next[partition]++, timestamp: Date.parse(e.receivedTimestamp), key, value };
  });
}

/** Cuts a log into MSK invocations of `size` records, each through the real decoder. */
export function mskBatches(log: ReturnType<typeof toLog>, size: number): PartitionBatch[][] {
  const out: PartitionBatch[][] = [];
  for (let i = 0; i < log.length; i += size) out.push(decodeMskEvent(toMskEvent(log.slice(i, i + size)), 'test'));
  return out;
}

/** Every aggregate table's rows, sorted, for whole-table comparisons. */
export async function dumpAggregates(db: PgliteExecutor): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const spec of TABLES) {
    const rows = await db.query(`SELECT * FROM ${spec.table}`);
    out[spec.table] = rows.map((r) => JSON.stringify(r)).sort();
  }
  return out;
}

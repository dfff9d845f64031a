/**
 * Applies a batch to the warehouse exactly once per Kafka offset: records below a partition's
 * watermark are skipped, and the aggregates and the new watermark commit in one transaction.
 * A batch whose SQL needs more than 40 statements is split by offset into smaller transactions,
 * each carrying its own watermark, so a crash between them loses and repeats nothing.
 *
 * One writer per partition is assumed (the ESM runs at most one batch per partition at a time).
 */
import type { ClickEvent } from '../../contract';
import type { DecodedRecord, PartitionBatch } from '../shared/msk-event';
import { MAX_TRANSACTION_STATEMENTS, type StatementExecutor } from '../warehouse/executor';
import { aggregate } from './aggregate';
import { readWatermarksSql, seenEventsSql, tableStatements, watermarkStatements } from './sql';

/** What one call did. */
export interface ApplyResult {
  /** Valid events aggregated (after skipping replays and duplicate ids). */
  applied: number;
  /** Records at or below the watermark: already applied earlier. */
  replayed: number;
  /** Events dropped because their id was already applied (earlier in the batch or in an earlier batch). */
  duplicates: number;
  transactions: number;
  statements: number;
  sqlBytes: number;
}

/**
 * The statements for a set of fresh records: aggregates (including the ids now seen), then the
 * watermark. `alreadySeen` holds ids applied by earlier batches.
 */
export function planStatements(
  topic: string,
  batches: PartitionBatch[],
  now: Date,
  alreadySeen: ReadonlySet<string> = new Set(),
): { statements: string[]; applied: number; duplicates: number } {
  const seen = new Set<string>(alreadySeen);
  const events: ClickEvent[] = [];
  let duplicates = 0;
  const next = new Map<number, number>();
  for (const b of batches) {
    if (b.records.length === 0) continue;
    next.set(b.partition, b.records[b.records.length - 1].offset + 1);
    for (const r of b.records) {
      if (!('event' in r)) continue;
      if (seen.has(r.event.eventId)) duplicates++;
      else {
        seen.add(r.event.eventId);
        events.push(r.event);
      }
    }
  }
  const statements = [...aggregate(events).flatMap(tableStatements), ...watermarkStatements(topic, next, now)];
  return { statements, applied: events.length, duplicates };
}

/** Applies decoded partitions of one topic. */
export async function applyBatch(executor: StatementExecutor, topic: string, batches: PartitionBatch[], now = new Date()): Promise<ApplyResult> {
  const marks = new Map((await executor.query(readWatermarksSql(topic))).map((r) => [Number(r.kafka_partition), Number(r.next_offset)]));
  const result: ApplyResult = { applied: 0, replayed: 0, duplicates: 0, transactions: 0, statements: 0, sqlBytes: 0 };
  const fresh = batches.map((b) => {
    const from = marks.get(b.partition) ?? 0;
    const records = b.records.filter((r) => r.offset >= from);
    result.replayed += b.records.length - records.length;
    return { ...b, records };
  });
  // An event's duplicates share its session key, hence its partition and its single writer,
  // so reading the seen ids before the transaction cannot race with another writer.
  const ids = fresh.flatMap((b) => b.records.flatMap((r) => ('event' in r ? [r.event.eventId] : [])));
  const seen = new Set<string>();
  for (const sql of seenEventsSql(ids)) for (const row of await executor.query(sql)) seen.add(String(row.event_id).trim());
  await applyFresh(executor, topic, fresh, now, seen, result);
  return result;
}

async function applyFresh(executor: StatementExecutor, topic: string, batches: PartitionBatch[], now: Date, seen: ReadonlySet<string>, result: ApplyResult): Promise<void> {
  const total = batches.reduce((n, b) => n + b.records.length, 0);
  if (total === 0) return;
  const plan = planStatements(topic, batches, now, seen);
  if (plan.statements.length > MAX_TRANSACTION_STATEMENTS && total > 1) {
    const [first, second] = halves(batches);
    await applyFresh(executor, topic, first, now, seen, result);
    // The second half must not count again what the first half just applied.
    const applied = new Set([...seen, ...first.flatMap((b) => b.records.flatMap((r) => ('event' in r ? [r.event.eventId] : [])))]);
    await applyFresh(executor, topic, second, now, applied, result);
    return;
  }
  await executor.transaction(plan.statements);
  result.applied += plan.applied;
  result.duplicates += plan.duplicates;
  result.transactions++;
  result.statements += plan.statements.length;
  result.sqlBytes += plan.statements.reduce((n, s) => n + Buffer.byteLength(s), 0);
}

/** Splits each partition's records at its midpoint (a single-partition batch of one record cannot be split further). */
function halves(batches: PartitionBatch[]): [PartitionBatch[], PartitionBatch[]] {
  const cut = (records: DecodedRecord[]) => Math.ceil(records.length / 2);
  const multi = batches.filter((b) => b.records.length > 0);
  if (multi.length > 1 && multi.every((b) => b.records.length === 1)) {
    const mid = Math.ceil(multi.length / 2);
    return [multi.slice(0, mid), multi.slice(mid)];
  }
  return [
    batches.map((b) => ({ ...b, records: b.records.slice(0, cut(b.records)) })),
    batches.map((b) => ({ ...b, records: b.records.slice(cut(b.records)) })),
  ];
}

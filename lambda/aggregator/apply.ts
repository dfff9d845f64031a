/**
 * Applies a batch to the warehouse exactly once per Kafka offset: records below a partition's
 * watermark are skipped, and the aggregates and the new watermark commit in one transaction.
 * A batch whose SQL needs more than 40 statements is split by offset into smaller transactions,
 * each carrying its own watermark, so a crash between them loses and repeats nothing. Rows reach
 * the merges in one of three ways: inlined as SQL; COPYed from memory inside the transaction (local mode, stage.ts);
 * or put in S3 and COPYed inside the transaction (the AWS path, load.ts). The batch's raw events
 * are stored in the same transaction (on AWS and in local mode), so they too are stored exactly once.
 *
 * A transaction the warehouse refuses because of its data is retried with its rows inlined (when
 * they were loaded), then bisected until the one record behind it is found; that record is set
 * aside (returned in `poisoned`, for the bad stream) and its offset passes the watermark, so no
 * single record can stop a partition.
 *
 * One writer per partition is assumed (the ESM runs at most one batch per partition at a time);
 * the partitions' writers take turns on a lock (sql/migrations/V004) instead of aborting each other.
 */
import { badEvent, type ClickEvent } from '../../contract';
import type { DecodedRecord, PartitionBatch } from '../shared/msk-event';
import type { Refused } from '../shared/refused';
import { isDataError, MAX_TRANSACTION_STATEMENTS, type Statement, type StatementExecutor } from '../../warehouse/executor';
import { aggregate, type TableRows } from './aggregate';
import type { CopyStage } from '../../warehouse/copy';
import { insertEventsStatements } from '../../warehouse/raw-events';
import { INSERT_LOADED_EVENTS, LOAD_STATEMENTS, loadedSource, loadStatements } from './load';
import { mergeStatement, pruneSeenEventsSql, readWatermarksSql, seenEventsSql, tableStatements, watermarkStatements } from './sql';
import { CREATE_STAGES, stagedMerges, stageStatements } from './stage';
import { SEEN_EVENTS_DAYS } from './tables';

/** The UTC day of a timestamp as the warehouse returns it (a Date, or `YYYY-MM-DD HH:MM:SS` text). */
const dayOf = (v: unknown) => (v instanceof Date ? v.toISOString() : String(v)).slice(0, 10);

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
  /** Valid events the warehouse refused (a value it cannot hold), each with the reason; not applied. */
  poisoned: Refused[];
}

/** Keeps a refused event (on the bad stream) before the watermark passes it. */
export type SetAside = (refused: Refused) => Promise<void>;

/** Where the merges read a batch's rows: inlined SQL, local staging (stage.ts), or temporary tables loaded from S3 (load.ts). */
export type RowSource = 'inline' | 'staged' | 'loaded';

/** A batch's plan: the transaction that applies its rows and moves the watermark (after the rows are staged or loaded). */
export interface Plan {
  /** The tables with rows in this batch. */
  tables: TableRows[];
  /** The events applied: the first copy of each id not applied before. */
  events: ClickEvent[];
  /** The locked part of the transaction: the merges, the raw events (when stored here), then the watermark. */
  statements: string[];
  applied: number;
  duplicates: number;
}

/** How a batch is planned. */
export interface PlanOptions {
  /** Ids applied by earlier batches. */
  alreadySeen?: ReadonlySet<string>;
  /** @default 'inline' */
  rows?: RowSource;
  /** Store the applied events in `events` too, in the same transaction. */
  rawEvents?: boolean;
}

/** Plans a set of fresh records: aggregates (including the ids now seen), the raw events if asked, then the watermark. */
export function planStatements(topic: string, batches: PartitionBatch[], now: Date, options: PlanOptions = {}): Plan {
  const { alreadySeen = new Set<string>(), rows = 'inline', rawEvents = false } = options;
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
  const tables = aggregate(events, now.toISOString().slice(0, 10)).filter((t) => t.rows.length > 0);
  const merges = {
    inline: () => tables.flatMap(tableStatements),
    staged: () => stagedMerges(tables),
    loaded: () => tables.map((t) => mergeStatement(t, loadedSource(t))),
  }[rows];
  // Staged raw events are COPYed into `events` with the staged rows (stage.ts).
  const raw =
    !rawEvents || events.length === 0
      ? []
      : { loaded: () => [INSERT_LOADED_EVENTS], staged: () => [], inline: () => insertEventsStatements(events) }[rows]();
  const statements = [
    // Writers take turns (sql/migrations/V004): shared rows would otherwise make them abort each other.
    'LOCK aggregate_writers',
    ...merges(),
    ...raw,
    ...watermarkStatements(topic, next, now),
  ];
  return { tables, events, statements, applied: events.length, duplicates };
}

/** How {@link applyBatch} runs. */
export interface ApplyOptions {
  /** Keeps a refused event; by default it is only reported in the result. */
  setAside?: SetAside;
  /** @default new Date() */
  now?: Date;
  /** Load the rows with COPY from this stage inside each transaction (Redshift through the Data API). */
  copyStage?: CopyStage;
  /** Store the applied events in `events` in the same transactions. */
  rawEvents?: boolean;
}

/** Applies decoded partitions of one topic. */
export async function applyBatch(
  executor: StatementExecutor,
  topic: string,
  batches: PartitionBatch[],
  options: ApplyOptions = {},
): Promise<ApplyResult> {
  const { setAside = async () => undefined, now = new Date(), copyStage, rawEvents = false } = options;
  // An event's duplicates share its session key, hence its partition and its single writer, so
  // reading the seen ids before the transaction cannot race with another writer. The watermarks
  // and the seen ids are read at once: on the Data API each read is a round trip of its own.
  const ids = batches.flatMap((b) => b.records.flatMap((r) => ('event' in r ? [r.event.eventId] : [])));
  const [rows, ...seenRows] = await Promise.all([readWatermarksSql(topic), ...seenEventsSql(ids)].map((sql) => executor.query(sql)));
  const marks = new Map(rows.map((r) => [Number(r.kafka_partition), Number(r.next_offset)]));
  // Once a day, partition 0's writer forgets ids applied more than SEEN_EVENTS_DAYS ago (idempotent, so outside the transaction).
  const zero = rows.find((r) => Number(r.kafka_partition) === 0);
  const today = now.toISOString().slice(0, 10);
  if (batches.some((b) => b.partition === 0 && b.records.length > 0) && (!zero || dayOf(zero.updated_at) < today))
    await executor.query(pruneSeenEventsSql(now, SEEN_EVENTS_DAYS));
  const result: ApplyResult = { applied: 0, replayed: 0, duplicates: 0, transactions: 0, statements: 0, sqlBytes: 0, poisoned: [] };
  const fresh = batches.map((b) => {
    const from = marks.get(b.partition) ?? 0;
    const records = b.records.filter((r) => r.offset >= from);
    result.replayed += b.records.length - records.length;
    return { ...b, records };
  });
  const seen = new Set(seenRows.flat().map((row) => String(row.event_id).trim()));
  await applyFresh({ executor, topic, now, result, setAside, copyStage, rawEvents }, fresh, seen);
  return result;
}

/** What every step of one {@link applyBatch} call shares. */
interface Run {
  executor: StatementExecutor;
  topic: string;
  now: Date;
  result: ApplyResult;
  setAside: SetAside;
  copyStage: CopyStage | undefined;
  rawEvents: boolean;
}

async function applyFresh(run: Run, batches: PartitionBatch[], seen: ReadonlySet<string>): Promise<void> {
  const { executor, topic, result } = run;
  const total = batches.reduce((n, b) => n + b.records.length, 0);
  if (total === 0) return;
  // Rows are COPYed inside the transaction: locally from memory (stage.ts), on AWS from S3 (load.ts).
  const copying = run.copyStage ? undefined : executor.copyingTransaction?.bind(executor);
  const rows: RowSource = run.copyStage ? 'loaded' : copying ? 'staged' : 'inline';
  const plan = planStatements(topic, batches, run.now, { alreadySeen: seen, rows, rawEvents: run.rawEvents });
  // The Data API's limit; local COPYs are not statements there.
  if (plan.statements.length + (run.copyStage ? LOAD_STATEMENTS : 0) > MAX_TRANSACTION_STATEMENTS && total > 1)
    return applyHalves(run, batches, seen);
  const events = run.rawEvents ? plan.events : [];
  // The lock stays first: a transaction's snapshot is taken by its first query, so a writer that
  // loaded before waiting for the lock would merge into a stale snapshot and be aborted.
  const [lock, ...rest] = plan.statements;
  let statements: Statement[];
  try {
    if (copying) {
      await executor.query(CREATE_STAGES);
      statements = [lock, ...stageStatements(plan.tables, events), ...rest];
      await copying(statements);
    } else {
      const sqls = run.copyStage ? [lock, ...(await loadStatements(run.copyStage, plan.tables, events)), ...rest] : plan.statements;
      statements = sqls;
      await executor.transaction(sqls);
    }
  } catch (err) {
    if (!isDataError(err)) throw err;
    // Records the loaded transaction refused are tried again with their rows inlined (bisected
    // there if they must be): a load that fails for every batch (a stage the warehouse cannot
    // read as expected) then costs speed, not events.
    if (run.copyStage) return applyFresh({ ...run, copyStage: undefined }, batches, seen);
    if (total > 1) return applyHalves(run, batches, seen);
    const b = batches.find((x) => x.records.length > 0)!;
    const r = b.records[0];
    // Even the watermark alone failed: not this record's fault.
    if (!('event' in r)) throw err;
    const refused: Refused = {
      topic,
      partition: b.partition,
      offset: r.offset,
      event: r.event,
      reason: `aggregator: the warehouse refused the event: ${(err as Error).message}`,
    };
    await run.setAside(refused);
    result.poisoned.push(refused);
    const marker = { offset: r.offset, bad: badEvent('processing_failure', refused.reason, 'aggregator', '') };
    return applyFresh(run, [{ ...b, records: [marker] }], seen);
  }
  result.applied += plan.applied;
  result.duplicates += plan.duplicates;
  result.transactions++;
  result.statements += statements.length;
  result.sqlBytes += statements.reduce((n, s) => n + (typeof s === 'string' ? Buffer.byteLength(s) : 0), 0);
}

/** Applies the first half, then the second with the first half's ids counted as seen. */
async function applyHalves(run: Run, batches: PartitionBatch[], seen: ReadonlySet<string>): Promise<void> {
  const [first, second] = halves(batches);
  const before = run.result.poisoned.length;
  await applyFresh(run, first, seen);
  // The second half must not count again what the first half just applied (set-aside records were not).
  const refused = new Set(run.result.poisoned.slice(before).map((p) => p.event.eventId));
  const applied = new Set(seen);
  for (const b of first) for (const r of b.records) if ('event' in r && !refused.has(r.event.eventId)) applied.add(r.event.eventId);
  await applyFresh(run, second, applied);
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

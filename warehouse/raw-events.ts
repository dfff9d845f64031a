/**
 * Raw events in the warehouse's `events` table (columns generated from the contract), one row
 * per event id: what funnels, paths and retention read. Local mode's indexer writes them (the
 * table is also its search store); on AWS the aggregator does, after each batch's aggregates.
 *
 * An event already stored is found by id among the rows received within {@link DEDUPE_WINDOW_MS}
 * of the batch: on Redshift the sort key (receive time) then prunes the scan to recent blocks
 * instead of the whole table. A repeat arriving later than that (the collector stamps each copy
 * when it arrives; imports keep the file's times) would be stored twice; the aggregates still
 * count it once.
 */
import { COLUMNS, eventToRow, type ClickEvent } from '../contract';
import { firstOfEachId } from '../lambda/shared/unique';
import { isDataError, type StatementExecutor } from './executor';
import { literal, MAX_STATEMENT_BYTES, type SqlValue } from './literal';
import { unionSources, type ColumnDef } from './union';

/** How far apart in receive time two copies of one event id may be and still be stored once. */
export const DEDUPE_WINDOW_MS = 24 * 3600e3;

const DEFS: ColumnDef[] = COLUMNS.map((c) => [c.name, c.sqlType]);
const NAMES = COLUMNS.map((c) => c.name).join(', ');
const TIMESTAMPS = new Set(COLUMNS.flatMap((c, i) => (c.sqlType === 'TIMESTAMP' ? [i] : [])));

/**
 * Stores the events not stored yet (the first copy of each id, as the aggregator counts). When
 * the warehouse refuses a value, halves are retried until the events behind it are found: those
 * are returned with the reason instead of stored, and every other event is stored.
 */
export async function storeRawEvents(
  executor: StatementExecutor,
  events: readonly ClickEvent[],
): Promise<{ event: ClickEvent; reason: string }[]> {
  const unique = firstOfEachId(events);
  try {
    await insert(executor, unique);
    return [];
  } catch (err) {
    if (!isDataError(err)) throw err;
    if (unique.length === 1) return [{ event: unique[0], reason: `indexer: the warehouse refused the event: ${(err as Error).message}` }];
    const mid = Math.ceil(unique.length / 2);
    return [...(await storeRawEvents(executor, unique.slice(0, mid))), ...(await storeRawEvents(executor, unique.slice(mid)))];
  }
}

async function insert(executor: StatementExecutor, unique: readonly ClickEvent[]): Promise<void> {
  const rows = unique.map((e) =>
    eventToRow(e).map((v, i): SqlValue =>
      TIMESTAMPS.has(i) && typeof v === 'string' ? new Date(v).toISOString().replace('T', ' ').replace('Z', '') : v,
    ),
  );
  if (unique.length === 0) return;
  let first = Infinity;
  let last = -Infinity;
  for (const e of unique) {
    const t = Date.parse(e.receivedTimestamp);
    if (t < first) first = t;
    if (t > last) last = t;
  }
  const sql = (ms: number) => literal(new Date(ms).toISOString().replace('T', ' ').replace('Z', ''));
  const window = `e.received_timestamp >= CAST(${sql(first - DEDUPE_WINDOW_MS)} AS TIMESTAMP) AND e.received_timestamp <= CAST(${sql(last + DEDUPE_WINDOW_MS)} AS TIMESTAMP)`;
  const statements = unionSources(DEFS, rows, MAX_STATEMENT_BYTES - 1000).map(
    (src) =>
      `INSERT INTO events (${NAMES}) SELECT ${COLUMNS.map((c) => `s.${c.name}`).join(', ')} FROM (${src}) AS s LEFT JOIN events AS e ON e.event_id = s.event_id AND ${window} WHERE e.event_id IS NULL`,
  );
  for (let i = 0; i < statements.length; i += 40) await executor.transaction(statements.slice(i, i + 40));
}

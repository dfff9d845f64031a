/**
 * Raw events in the warehouse's `events` table (columns generated from the contract), one row
 * per event id: what funnels, paths and retention read. On AWS the aggregator stores them in
 * its transactions, exactly once as it counts them (lambda/aggregator/apply.ts). Locally the
 * indexer stores them here with COPY (the table is also local mode's search store).
 *
 * Locally, an event already stored is found by id among the rows received within
 * {@link DEDUPE_WINDOW_MS} of the batch, so the lookup reads recent rows (an index on receive
 * time) instead of the whole table. A repeat arriving later than that (the collector stamps each
 * copy when it arrives; imports keep the file's times) would be stored twice; the aggregates
 * still count it once.
 */
import { COLUMNS, eventToRow, type ClickEvent } from '../contract';
import { firstOfEachId } from '../lambda/shared/unique';
import { isDataError, type StatementExecutor } from './executor';
import { literal, MAX_STATEMENT_BYTES, type SqlValue } from './literal';
import { unionSources, type ColumnDef } from './union';

/** An executor that bulk-loads (local mode's PGlite). */
export type BulkExecutor = StatementExecutor & Required<Pick<StatementExecutor, 'copyRows'>>;

/** How far apart in receive time two copies of one event id may be and still be stored once. */
export const DEDUPE_WINDOW_MS = 24 * 3600e3;

/** The columns of `events`, with their types. */
export const EVENT_COLUMNS: ColumnDef[] = COLUMNS.map((c) => [c.name, c.sqlType]);
const COLUMN_NAMES = COLUMNS.map((c) => c.name);
const NAMES = COLUMN_NAMES.join(', ');
const TIMESTAMPS = new Set(COLUMNS.flatMap((c, i) => (c.sqlType === 'TIMESTAMP' ? [i] : [])));

/** Events as rows of `events`, timestamps as the warehouse reads them (`YYYY-MM-DD HH:MM:SS.sss`). */
export function eventRows(events: readonly ClickEvent[]): SqlValue[][] {
  return events.map((e) =>
    eventToRow(e).map((v, i): SqlValue =>
      TIMESTAMPS.has(i) && typeof v === 'string' ? new Date(v).toISOString().replace('T', ' ').replace('Z', '') : v,
    ),
  );
}

/** Statements that insert events as inlined rows, each under the Data API's size limit (where no COPY stage exists). */
export function insertEventsStatements(events: readonly ClickEvent[]): string[] {
  return unionSources(EVENT_COLUMNS, eventRows(events), MAX_STATEMENT_BYTES - 1000).map(
    (src) => `INSERT INTO events (${NAMES}) SELECT * FROM (${src}) AS s`,
  );
}

/**
 * Stores the events not stored yet (the first copy of each id, as the aggregator counts). When
 * the warehouse refuses a value, halves are retried until the events behind it are found: those
 * are returned with the reason instead of stored, and every other event is stored.
 */
export async function storeRawEvents(
  executor: BulkExecutor,
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

const timestamp = (ms: number) => `CAST(${literal(new Date(ms).toISOString().replace('T', ' ').replace('Z', ''))} AS TIMESTAMP)`;

/** Ids of `events` already stored, looked up among the rows received within the dedupe window of the batch. */
async function storedIds(executor: StatementExecutor, events: readonly ClickEvent[]): Promise<Set<string>> {
  let first = Infinity;
  let last = -Infinity;
  for (const e of events) {
    const t = Date.parse(e.receivedTimestamp);
    if (t < first) first = t;
    if (t > last) last = t;
  }
  const window = `received_timestamp >= ${timestamp(first - DEDUPE_WINDOW_MS)} AND received_timestamp <= ${timestamp(last + DEDUPE_WINDOW_MS)}`;
  const stored = new Set<string>();
  const per = Math.floor((MAX_STATEMENT_BYTES - 500) / 41);
  const queries: string[] = [];
  for (let i = 0; i < events.length; i += per)
    queries.push(
      `SELECT event_id FROM events WHERE ${window} AND event_id IN (${events
        .slice(i, i + per)
        .map((e) => literal(e.eventId))
        .join(', ')})`,
    );
  for (const rows of await Promise.all(queries.map((q) => executor.query(q)))) for (const r of rows) stored.add(String(r.event_id).trim());
  return stored;
}

/**
 * Inserts the events not stored yet. The lookup and the insert are two steps: safe because one
 * writer handles an id (copies of an id share its session, hence its partition and its writer).
 */
async function insert(executor: BulkExecutor, unique: readonly ClickEvent[]): Promise<void> {
  if (unique.length === 0) return;
  const stored = await storedIds(executor, unique);
  await executor.copyRows('events', COLUMN_NAMES, eventRows(unique.filter((e) => !stored.has(e.eventId))));
}

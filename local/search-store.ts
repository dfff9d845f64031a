/**
 * The local stand-in for OpenSearch: raw events in the `events` table of the local warehouse
 * (generated from the contract), inserted idempotently by event id.
 */
import { COLUMNS, eventToRow, type ClickEvent } from '../contract';
import { firstOfEachId } from '../lambda/shared/unique';
import { isDataError, type StatementExecutor } from '../warehouse/executor';
import { MAX_STATEMENT_BYTES, type SqlValue } from '../warehouse/literal';
import { unionSources, type ColumnDef } from '../warehouse/union';

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
  const statements = unionSources(DEFS, rows, MAX_STATEMENT_BYTES - 1000).map(
    (src) =>
      `INSERT INTO events (${NAMES}) SELECT ${COLUMNS.map((c) => `s.${c.name}`).join(', ')} FROM (${src}) AS s LEFT JOIN events AS e ON e.event_id = s.event_id WHERE e.event_id IS NULL`,
  );
  for (let i = 0; i < statements.length; i += 40) await executor.transaction(statements.slice(i, i + 40));
}

/**
 * Raw events in the warehouse's `events` table (columns generated from the contract), one row
 * per event id: what funnels, paths and retention read, and local mode's search store. The
 * aggregator stores them in its transactions, exactly once as it counts them
 * (lambda/aggregator/apply.ts): COPYed from S3 on AWS, COPYed from memory inside the
 * transaction locally (lambda/aggregator/stage.ts), or inlined as the rows below where the
 * executor cannot bulk-load.
 */
import { COLUMNS, eventToRow, warehouseTime, type ClickEvent } from '../contract';
import { MAX_STATEMENT_BYTES, type SqlValue } from './literal';
import { unionSources, type ColumnDef } from './union';

/** The columns of `events`, with their types. */
export const EVENT_COLUMNS: ColumnDef[] = COLUMNS.map((c) => [c.name, c.sqlType]);
/** The column names of `events`, in order. */
export const EVENT_COLUMN_NAMES: readonly string[] = COLUMNS.map((c) => c.name);
const NAMES = EVENT_COLUMN_NAMES.join(', ');
const TIMESTAMPS = COLUMNS.flatMap((c, i) => (c.sqlType === 'TIMESTAMP' ? [i] : []));

/** Events as rows of `events`, timestamps as the warehouse reads them (`YYYY-MM-DD HH:MM:SS.sss`). */
export function eventRows(events: readonly ClickEvent[]): SqlValue[][] {
  return events.map((e) => {
    const row = eventToRow(e);
    for (const i of TIMESTAMPS) {
      const v = row[i];
      if (typeof v === 'string') row[i] = warehouseTime(v);
    }
    return row;
  });
}

/** Statements that insert events as inlined rows, each under the Data API's size limit (where no COPY stage exists). */
export function insertEventsStatements(events: readonly ClickEvent[]): string[] {
  return unionSources(EVENT_COLUMNS, eventRows(events), MAX_STATEMENT_BYTES - 1000).map(
    (src) => `INSERT INTO events (${NAMES}) SELECT * FROM (${src}) AS s`,
  );
}

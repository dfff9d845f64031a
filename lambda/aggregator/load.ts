/**
 * The AWS path's bulk load (warehouse/copy.ts): a batch's aggregate rows and raw events are put
 * in S3 as two objects, and its one transaction takes the writers' lock, COPYs them into
 * temporary tables and merges from there. Compared with rows inlined as SQL, a batch sends 3 %
 * of the SQL text, and Redshift bulk-parses its rows (`npm run bench aws-path`). The COPYs come after
 * the lock, not before it: a transaction's snapshot is taken by its first query, and a writer
 * that loaded before waiting would merge into a stale snapshot and be aborted. Temporary tables
 * belong to the call's session, so no writer reads another's rows and nothing is left to clean up.
 *
 * All aggregate tables share one wide temporary table (a `t` column numbering the table, then every
 * table's row columns), which keeps a batch at 4 load statements instead of 2 per table: within
 * the Data API's 40 statements per transaction whatever the batch holds.
 */
import type { ClickEvent } from '../../contract';
import { copyStatement, jsonLines, type CopyStage } from '../../warehouse/copy';
import { EVENT_COLUMN_NAMES, EVENT_COLUMNS, eventRows } from '../../warehouse/raw-events';
import { columnType } from '../../warehouse/union';
import { columnsOf, type TableRows } from './aggregate';
import { TABLES, type ColumnDef } from './tables';

const LOAD_ROWS = 'load_rows';
const LOAD_EVENTS = 'load_events';
/** The aggregate table a loaded row belongs to, by its place in TABLES (short, as every key here). */
const TABLE = 't';
const tableNumber = (table: string) => TABLES.findIndex((spec) => spec.table === table);

/**
 * Every aggregate table's row columns, once each (a name means the same column in every table:
 * checked here), each with the short name it has in the temporary table: COPY matches JSON keys
 * to column names, and short keys keep the staged objects (and what COPY parses) small.
 */
function wideColumns(): Map<string, ColumnDef> {
  const wide = new Map<string, ColumnDef>();
  for (const spec of TABLES)
    for (const [name, type] of columnsOf(spec)) {
      const sqlType = columnType(type);
      const seen = wide.get(name);
      if (seen && seen[1] !== sqlType) throw new Error(`column ${name} is ${seen[1]} and ${sqlType}`);
      if (!seen) wide.set(name, [`c${wide.size}`, sqlType]);
    }
  return wide;
}
const WIDE = wideColumns();
const SHORT_EVENT_COLUMNS: ColumnDef[] = EVENT_COLUMNS.map(([, type], i) => [`e${i}`, type]);
const EVENT_NAMES = EVENT_COLUMN_NAMES.join(', ');

const ddl = (table: string, columns: readonly ColumnDef[]) =>
  `CREATE TEMP TABLE ${table} (${columns.map(([n, t]) => `${n} ${t}`).join(', ')})`;

/** The temporary tables' DDL. */
export const LOAD_TABLES_DDL = [ddl(LOAD_ROWS, [[TABLE, 'SMALLINT'], ...WIDE.values()]), ddl(LOAD_EVENTS, SHORT_EVENT_COLUMNS)];

/** Most statements {@link loadStatements} returns: a temporary table and its COPY, for the rows and for the events. */
export const LOAD_STATEMENTS = 2 * LOAD_TABLES_DDL.length;

/** Puts the batch's rows in the stage; returns the statements that load them, to run right after the lock. */
export async function loadStatements(stage: CopyStage, tables: readonly TableRows[], events: readonly ClickEvent[]): Promise<string[]> {
  const rows = tables
    .map((t) =>
      jsonLines(
        t.columns.map(([n]) => WIDE.get(n)!),
        t.rows,
        { [TABLE]: tableNumber(t.spec.table) },
      ),
    )
    .join('\n');
  const [rowsFrom, eventsFrom] = await Promise.all([
    tables.length > 0 ? stage.put(rows) : undefined,
    events.length > 0 ? stage.put(eventJson(events)) : undefined,
  ]);
  return [
    ...(rowsFrom ? [LOAD_TABLES_DDL[0], copyStatement(LOAD_ROWS, rowsFrom)] : []),
    ...(eventsFrom ? [LOAD_TABLES_DDL[1], copyStatement(LOAD_EVENTS, eventsFrom)] : []),
  ];
}

const eventJson = (events: readonly ClickEvent[]) => jsonLines(SHORT_EVENT_COLUMNS, eventRows(events));

/** The query a merge reads one table's loaded rows from, under their own names. */
export function loadedSource(t: TableRows): string {
  const columns = t.columns.map(([n]) => `${WIDE.get(n)![0]} AS ${n}`);
  return `SELECT ${columns.join(', ')} FROM ${LOAD_ROWS} WHERE ${TABLE} = ${tableNumber(t.spec.table)}`;
}

/** Stores the loaded raw events (the batch's first copy of each id not applied before: exactly once, as the aggregates). */
export const INSERT_LOADED_EVENTS = `INSERT INTO events (${EVENT_NAMES}) SELECT ${SHORT_EVENT_COLUMNS.map(([n]) => n).join(', ')} FROM ${LOAD_EVENTS}`;

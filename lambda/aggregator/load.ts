/**
 * The AWS path's bulk load (warehouse/copy.ts): a batch's aggregate rows and raw events are put
 * in S3 as two objects, and its one transaction COPYs them into temporary tables, then takes the
 * writers' lock and merges from them. The COPYs run before the lock, so the partitions' writers
 * load at the same time and take turns only for the merges; temporary tables belong to the
 * transaction's session, so no writer reads another's rows and nothing is left to clean up.
 *
 * All aggregate tables share one wide temporary table (a `tbl` column, then every table's row
 * columns), which keeps a batch at 4 load statements instead of 2 per table: within the Data
 * API's 40 statements per transaction whatever the batch holds.
 */
import type { ClickEvent } from '../../contract';
import { copyStatement, jsonLines, type CopyStage } from '../../warehouse/copy';
import { literal } from '../../warehouse/literal';
import { EVENT_COLUMNS, eventRows } from '../../warehouse/raw-events';
import { columnsOf, type TableRows } from './aggregate';
import { TABLES, type ColumnDef } from './tables';

const LOAD_ROWS = 'load_rows';
const LOAD_EVENTS = 'load_events';
const TABLE: ColumnDef = ['tbl', 'VARCHAR(64)'];
const EVENT_NAMES = EVENT_COLUMNS.map(([n]) => n).join(', ');

/** Every aggregate table's row columns, once each (a name means the same column in every table: checked here). */
function wideColumns(): ColumnDef[] {
  const byName = new Map<string, string>();
  for (const spec of TABLES)
    for (const [name, type] of columnsOf(spec)) {
      const sqlType = type === 'VARCHAR' ? 'VARCHAR(65535)' : type;
      if (byName.has(name) && byName.get(name) !== sqlType) throw new Error(`column ${name} is ${byName.get(name)} and ${sqlType}`);
      byName.set(name, sqlType);
    }
  return [TABLE, ...byName];
}
const WIDE = wideColumns();

/** The temporary tables' DDL (also how a test checks the wide table against the aggregate tables). */
export const LOAD_TABLES_DDL = [
  `CREATE TEMP TABLE ${LOAD_ROWS} (${WIDE.map(([n, t]) => `${n} ${t}`).join(', ')})`,
  `CREATE TEMP TABLE ${LOAD_EVENTS} (LIKE events)`,
];

/** Most statements {@link loadStatements} returns: a temporary table and its COPY, for the rows and for the events. */
export const LOAD_STATEMENTS = 2 * LOAD_TABLES_DDL.length;

/** Puts the batch's rows in the stage; returns the statements that load them, to run first in the transaction. */
export async function loadStatements(stage: CopyStage, tables: readonly TableRows[], events: readonly ClickEvent[]): Promise<string[]> {
  const rows = tables.map((t) => jsonLines(t.columns, t.rows, { [TABLE[0]]: t.spec.table })).join('\n');
  const [rowsFrom, eventsFrom] = await Promise.all([stage.put(rows), events.length > 0 ? stage.put(eventJson(events)) : undefined]);
  return [
    LOAD_TABLES_DDL[0],
    copyStatement(LOAD_ROWS, rowsFrom),
    ...(eventsFrom ? [LOAD_TABLES_DDL[1], copyStatement(LOAD_EVENTS, eventsFrom)] : []),
  ];
}

const eventJson = (events: readonly ClickEvent[]) => jsonLines(EVENT_COLUMNS, eventRows(events));

/** The query a merge reads one table's loaded rows from. */
export function loadedSource(t: TableRows): string {
  return `SELECT ${t.columns.map(([n]) => n).join(', ')} FROM ${LOAD_ROWS} WHERE ${TABLE[0]} = ${literal(t.spec.table)}`;
}

/** Stores the loaded raw events (the batch's first copy of each id not applied before: exactly once, as the aggregates). */
export const INSERT_LOADED_EVENTS = `INSERT INTO events (${EVENT_NAMES}) SELECT ${EVENT_NAMES} FROM ${LOAD_EVENTS}`;

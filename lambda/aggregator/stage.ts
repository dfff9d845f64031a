/**
 * Local mode's bulk path for the aggregates and raw events: inside the batch's transaction, its
 * pre-aggregated rows are COPYed into a staging table per aggregate table, then one set-based
 * statement per table merges the staged rows, instead of megabytes of inlined rows to parse.
 * Rows that the merge would append as they are go straight into their table instead: the raw
 * events into `events`, and the applied ids into `seen_events` (a membership whose every event is
 * a new member, sql.ts), which saves a copy of each id through a staging table. On AWS the rows
 * go through S3 into temporary tables instead (load.ts). Every path gives the same tables
 * (test/simulation/aggregator-aws-path.test.ts).
 *
 * The staging tables are temporary: private to the warehouse session, made once per session, and
 * emptied by Postgres at every commit (ON COMMIT DELETE ROWS), or by the rollback of an attempt
 * that failed. A merge therefore reads only the rows of its own transaction, and nothing is left
 * to clean up. Emptying them at commit took a quarter of the time of one TRUNCATE of them all
 * (measured), and temporary tables write no WAL.
 */
import type { ClickEvent } from '../../contract';
import type { Statement } from '../../warehouse/executor';
import { EVENT_COLUMN_NAMES, eventRows } from '../../warehouse/raw-events';
import { columnType } from '../../warehouse/union';
import { columnsOf, type TableRows } from './aggregate';
import { mergeStatement } from './sql';
import type { TableSpec } from './table-spec';
import { TABLES } from './tables';

/** The staging table of an aggregate table. */
const stageOf = (table: string) => `batch_${table}`;

/** Tables whose rows the merge appends as they are: COPYed into the table itself, without a stage. */
const direct = (spec: TableSpec) => spec.kind === 'membership' && spec.distinctPerEvent === true;

/** The tables whose rows pass through a staging table. */
const STAGED = TABLES.filter((spec) => !direct(spec));

/**
 * Makes the session's staging tables, unless it has them: one statement, whose tables all exist
 * or none do, run before each staged transaction (a check of one name when they exist).
 */
export const CREATE_STAGES = `DO $$BEGIN IF to_regclass('pg_temp.${stageOf(STAGED[0].table)}') IS NULL THEN\n${STAGED.map(
  (spec) =>
    `CREATE TEMP TABLE ${stageOf(spec.table)} (${columnsOf(spec)
      .map(([n, t]) => `${n} ${columnType(t)}`)
      .join(', ')}) ON COMMIT DELETE ROWS;`,
).join('\n')}\nEND IF; END$$`;

/** The COPYs that stage a batch's rows and store its raw events, to run right after the lock. */
export function stageStatements(tables: readonly TableRows[], events: readonly ClickEvent[]): Statement[] {
  return [
    ...tables.map((t) => ({
      copy: direct(t.spec) ? t.spec.table : stageOf(t.spec.table),
      columns: t.columns.map(([n]) => n),
      rows: t.rows,
    })),
    ...(events.length > 0 ? [{ copy: 'events', columns: EVENT_COLUMN_NAMES, rows: eventRows(events) }] : []),
  ];
}

/** The statements that merge a batch's staged rows into their tables (the tables COPYed into directly need none). */
export function stagedMerges(tables: readonly TableRows[]): string[] {
  return tables
    .filter((t) => !direct(t.spec))
    .map((t) => mergeStatement(t, `SELECT ${t.columns.map(([n]) => n).join(', ')} FROM ${stageOf(t.spec.table)}`));
}

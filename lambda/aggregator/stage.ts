/**
 * Local mode's bulk path for the aggregates and raw events: a batch's pre-aggregated rows are
 * loaded with COPY into a staging table per aggregate table, and its raw events into one more,
 * then one set-based statement per table merges them inside the writers' transaction, instead
 * of megabytes of inlined rows to parse (the import went from 4,807 to 6,561 events/s). On AWS the rows go through S3 into temporary tables instead
 * (load.ts). Every path gives the same tables (test/simulation/aggregator-aws-path.test.ts).
 *
 * Staged rows carry their writer (topic and partitions). Local mode has one aggregator, which
 * handles one batch at a time, so a staging table is emptied with TRUNCATE right before it is
 * staged again (an attempt that failed, or a batch already merged, leaves rows behind): a merge
 * only ever reads the rows of the attempt it belongs to. TRUNCATE, unlike DELETE, leaves no dead
 * rows behind; PGlite has no autovacuum, so deleted rows piled up to the size of the table they
 * feed and every batch scanned them.
 */
import { literal } from '../../warehouse/literal';
import { EVENT_COLUMN_NAMES } from '../../warehouse/raw-events';
import { columnType, type ColumnDef } from '../../warehouse/union';
import { columnsOf, type TableRows } from './aggregate';
import { TABLES } from './tables';

const EVENT_NAMES = EVENT_COLUMN_NAMES.join(', ');

/** The staging table of an aggregate table. */
export const stageOf = (table: string) => `stage_${table}`;

/** Who staged a row. */
const WRITER: ColumnDef = ['writer', 'VARCHAR(128)'];

/** The DDL of every staging table: sql/migrations/V005 holds exactly these (a test keeps them equal). */
export function stagingTablesDdl(): string[] {
  return TABLES.map((spec) => {
    const columns = [WRITER, ...columnsOf(spec)].map(([n, t]) => `  ${n} ${columnType(t)}`);
    return `CREATE TABLE IF NOT EXISTS ${stageOf(spec.table)} (\n${columns.join(',\n')}\n)\nDISTSTYLE EVEN`;
  });
}

/** The writer of a batch: its topic and partitions. */
export function writerOf(topic: string, partitions: readonly number[]): string {
  return `${topic}/${[...partitions].sort((a, b) => a - b).join('.')}`;
}

/** The column names of a table's staged rows: the writer, then the table's row columns. */
export const stagedColumns = (t: TableRows) => [WRITER[0], ...t.columns.map(([n]) => n)];

/**
 * Empties staging tables before they are staged again: one statement, which takes a third of the
 * time of one per table.
 */
export function clearStatement(stages: readonly string[]): string {
  return `TRUNCATE ${stages.join(', ')}`;
}

/**
 * The staging table of a batch's raw events: temporary (made once per session, like the AWS
 * path's), shaped like `events`, and read whole by the insert that stores them.
 */
export const STAGE_EVENTS = 'stage_events';

/** Makes {@link STAGE_EVENTS} in this session if it is not there yet. */
export const CREATE_STAGE_EVENTS = `CREATE TEMP TABLE IF NOT EXISTS ${STAGE_EVENTS} (LIKE events)`;

/** Stores the staged raw events, inside the batch's transaction. */
export const INSERT_STAGED_EVENTS = `INSERT INTO events (${EVENT_NAMES}) SELECT ${EVENT_NAMES} FROM ${STAGE_EVENTS}`;

/** The query a merge reads one table's staged rows from. */
export function stagedSource(t: TableRows, writer: string): string {
  return `SELECT ${t.columns.map(([n]) => n).join(', ')} FROM ${stageOf(t.spec.table)} WHERE writer = ${literal(writer)}`;
}

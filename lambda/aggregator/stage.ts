/**
 * Local mode's bulk path for the aggregates: a batch's pre-aggregated rows are loaded with COPY
 * into a staging table per aggregate table, then one set-based statement per table merges them
 * inside the writers' transaction, instead of megabytes of inlined rows to parse (the import went
 * from 4,807 to 6,561 events/s). Through the Data API the rows stay inlined: staging there costs
 * a round trip more than it saves (npm run bench aws-path). Both give the same tables
 * (test/simulation/aggregator-aws-path.test.ts compares them).
 *
 * Each attempt stages under its own batch id, so the rows of an attempt that failed are never
 * merged; a writer's staged rows, a failed attempt's included, are deleted by its next merge.
 */
import { literal } from '../../warehouse/literal';
import type { ColumnDef } from '../../warehouse/union';
import { columnsOf, type TableRows } from './aggregate';
import { TABLES } from './tables';

/** The staging table of an aggregate table. */
export const stageOf = (table: string) => `stage_${table}`;

/** Who staged a row (one writer per topic partition) and in which attempt. */
const STAGE_COLUMNS: ColumnDef[] = [
  ['writer', 'VARCHAR(128)'],
  ['batch_id', 'VARCHAR(128)'],
];
const STAGE_NAMES = STAGE_COLUMNS.map(([n]) => n);

const sqlType = (type: string) => (type === 'VARCHAR' ? 'VARCHAR(65535)' : type);

/** The DDL of every staging table: sql/migrations/V005 holds exactly these (a test keeps them equal). */
export function stagingTablesDdl(): string[] {
  return TABLES.map((spec) => {
    const columns = [...STAGE_COLUMNS, ...columnsOf(spec)].map(([n, t]) => `  ${n} ${sqlType(t)}`);
    return `CREATE TABLE IF NOT EXISTS ${stageOf(spec.table)} (\n${columns.join(',\n')}\n)\nDISTSTYLE EVEN`;
  });
}

/** The writer of a batch: its topic and partitions. */
export function writerOf(topic: string, partitions: readonly number[]): string {
  return `${topic}/${[...partitions].sort((a, b) => a - b).join('.')}`;
}

/** A staged row: who staged it, then the table's row values (what COPY writes). */
export function stagedRow(writer: string, batchId: string, row: TableRows['rows'][number]) {
  return [writer, batchId, ...row];
}

/** The column names of a table's staged rows, in {@link stagedRow} order. */
export const stagedColumns = (t: TableRows) => [...STAGE_NAMES, ...t.columns.map(([n]) => n)];

/** The query a merge reads one table's staged rows of one attempt from. */
export function stagedSource(t: TableRows, batchId: string): string {
  return `SELECT ${t.columns.map(([n]) => n).join(', ')} FROM ${stageOf(t.spec.table)} WHERE batch_id = ${literal(batchId)}`;
}

/** Deletes every row a writer staged in these tables. */
export function clearStatements(tables: readonly TableRows[], writer: string): string[] {
  return tables.map((t) => `DELETE FROM ${stageOf(t.spec.table)} WHERE writer = ${literal(writer)}`);
}

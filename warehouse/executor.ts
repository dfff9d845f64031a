/**
 * The seam between the processors and the warehouse: Redshift through the Data API in AWS,
 * embedded Postgres locally and in tests. Everything above it runs the same SQL.
 */

import type { SqlValue } from './literal';

/** A result row, by column name. */
export type Row = Record<string, unknown>;

/** Rows bulk-loaded into a table as one statement of a transaction (local mode's COPY). */
export interface RowsCopy {
  copy: string;
  columns: readonly string[];
  rows: readonly SqlValue[][];
}

/** A statement of a transaction: SQL, or rows to bulk-load. */
export type Statement = string | RowsCopy;

/** Runs SQL against the warehouse. */
export interface StatementExecutor {
  /**
   * Like {@link transaction}, where some statements bulk-load rows: the warehouses that have a
   * faster way than INSERT for rows in memory (local mode's COPY; Redshift loads from S3 instead).
   */
  copyingTransaction?(statements: readonly Statement[]): Promise<void>;
  /** Runs one statement and returns its rows (none for statements without a result set). */
  query(sql: string): Promise<Row[]>;
  /** Runs the statements in order as one transaction: all or nothing. At most {@link MAX_TRANSACTION_STATEMENTS}. */
  transaction(sqls: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

/** BatchExecuteStatement takes 1 to 40 SQL statements. */
export const MAX_TRANSACTION_STATEMENTS = 40;

/**
 * SQLSTATE classes of errors caused by the values in a statement rather than by the warehouse:
 * 21 cardinality (two source rows for one MERGE target), 22 data exception (value too long, out
 * of range, bad date), 23 integrity constraint, 42 syntax or access rule (a value that broke the
 * statement text).
 */
const DATA_STATES = /^(21|22|23|42)/;
/**
 * The same failures as Redshift words them through the Data API (which reports no SQLSTATE);
 * a COPY whose rows do not fit their columns fails with "Load into table '…' failed".
 */
const DATA_MESSAGES =
  /ERROR:\s*(value too long|invalid input syntax|.*out of range|invalid byte sequence|.*syntax error|date\/time field value|violates|numeric field overflow|overflow|.*cannot affect row a second time|Load into table '[^']*' failed)/i;

/**
 * True when a failed statement failed because of its data: retrying it can never succeed, so
 * the record behind it must be set aside. False for everything else (warehouse down, throttled,
 * conflicts, timeouts), which is retried.
 */
export function isDataError(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return DATA_STATES.test(code);
  return DATA_MESSAGES.test((err as Error).message ?? '');
}

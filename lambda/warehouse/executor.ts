/**
 * The seam between the processors and the warehouse: Redshift through the Data API in AWS,
 * embedded Postgres locally and in tests. Everything above it runs the same SQL.
 */

/** A result row, by column name. */
export type Row = Record<string, unknown>;

/** Runs SQL against the warehouse. */
export interface StatementExecutor {
  /** Runs one statement and returns its rows (none for statements without a result set). */
  query(sql: string): Promise<Row[]>;
  /** Runs the statements in order as one transaction: all or nothing. At most {@link MAX_TRANSACTION_STATEMENTS}. */
  transaction(sqls: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

/** BatchExecuteStatement takes 1 to 40 SQL statements. */
export const MAX_TRANSACTION_STATEMENTS = 40;

/** The local warehouse: PGlite (Postgres compiled to WASM) in-process, data on disk or in memory. */
import { PGlite } from '@electric-sql/pglite';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { emptyClusterTemplate } from './pglite-template';
import type { Row, RowsCopy, Statement, StatementExecutor } from './executor';
import { storable, type SqlValue } from './literal';

// eslint-disable-next-line no-control-regex -- NUL is exactly what must be found
const NEEDS_CARE = /["\u0000\uD800-\uDFFF]/;

/** One value as a CSV field for COPY: NULL is an empty unquoted field, every text is quoted (so '' stays ''). */
function csvField(v: SqlValue): string {
  if (v === null) return '';
  // Most text has no quote, NUL or surrogate: it is only wrapped.
  if (typeof v === 'string') return NEEDS_CARE.test(v) ? `"${storable(v).replace(/"/g, '""')}"` : `"${v}"`;
  if (typeof v === 'boolean') return v ? 't' : 'f';
  return String(v);
}

/**
 * Rows as CSV for COPY. Fields and lines are joined, not appended to one string: appending built
 * a rope that the Blob then flattened, and took three times as long (25 against 8 µs per raw event).
 */
function csvRows(rows: RowsCopy['rows']): string {
  const lines = new Array<string>(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    const fields = new Array<string>(row.length);
    for (let i = 0; i < row.length; i++) fields[i] = csvField(row[i]);
    lines[r] = fields.join(',');
  }
  return lines.join('\n');
}

const copySql = (c: RowsCopy) => `COPY ${c.copy} (${c.columns.join(', ')}) FROM '/dev/blob' WITH (FORMAT csv)`;

/**
 * Postgres's page cache inside PGlite's WebAssembly memory: 64 MB fits the 128 MiB that memory
 * starts with, where Postgres's default (128 MB) grows it to 190 MiB for good; the operating
 * system's cache holds the data folder's files beside it. The 1,000,000-line import ran as fast.
 */
const SHARED_BUFFERS = '64MB';

/**
 * The planner's cost of reading a page out of order, against 1 for reading in order: Postgres's
 * default (4) is for spinning disks, and made it scan `seen_events` whole for each batch's id
 * lookup until the table held a million ids. The pages are in memory or in the operating
 * system's cache here, the case Postgres's documentation gives for a value near 1.
 */
const RANDOM_PAGE_COST = '1.1';

/** Runs statements on an embedded Postgres. */
export class PgliteExecutor implements StatementExecutor {
  private constructor(readonly db: PGlite) {}

  /**
   * Opens the database in `dataDir` (in memory when omitted). Backslashes in string literals are
   * escapes, as on Redshift, so literal text means the same on both engines.
   */
  static async open(dataDir?: string): Promise<PgliteExecutor> {
    // A new data folder starts from the cached empty cluster, not from initdb (pglite-template.ts).
    const loadDataDir = dataDir !== undefined && !existsSync(join(dataDir, 'PG_VERSION')) ? await emptyClusterTemplate() : undefined;
    const db = await PGlite.create(dataDir, {
      loadDataDir,
      startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${SHARED_BUFFERS}`, '-c', `random_page_cost=${RANDOM_PAGE_COST}`],
    });
    await db.exec('SET standard_conforming_strings = off; SET escape_string_warning = off;');
    return new PgliteExecutor(db);
  }

  async query(sql: string): Promise<Row[]> {
    const result = await this.db.query<Row>(sql);
    return result.rows;
  }

  transaction(sqls: readonly string[]): Promise<void> {
    return this.copyingTransaction(sqls);
  }

  /**
   * Runs a transaction whose rows load with COPY: local mode's faster path for the aggregator's
   * staged rows and raw events (Redshift COPYs the same rows from S3, lambda/aggregator/load.ts).
   * Values are stored as the SQL literals would store them (`storable`), so every path gives the
   * same tables (test/local/indexes.test.ts; test/simulation/aggregator-aws-path.test.ts).
   */
  async copyingTransaction(statements: readonly Statement[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      for (const s of statements) {
        // query(), not exec(): exec() has been seen to return without error for a statement that failed.
        if (typeof s === 'string') await tx.query(s);
        else if (s.rows.length > 0) await tx.query(copySql(s), [], { blob: new Blob([csvRows(s.rows)]) });
      }
    });
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}

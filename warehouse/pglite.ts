/** The local warehouse: PGlite (Postgres compiled to WASM) in-process, data on disk or in memory. */
import { PGlite } from '@electric-sql/pglite';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { emptyClusterTemplate } from './pglite-template';
import type { Row, StatementExecutor } from './executor';
import { storable, type SqlValue } from './literal';

/** One value as a CSV field for COPY: NULL is an empty unquoted field, every text is quoted (so '' stays ''). */
function csvField(v: SqlValue): string {
  if (v === null) return '';
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (typeof v === 'number') return String(v);
  return `"${storable(v).replace(/"/g, '""')}"`;
}

/**
 * Postgres's page cache inside PGlite's WebAssembly memory: 64 MB fits the 128 MiB that memory
 * starts with, where Postgres's default (128 MB) grows it to 190 MiB for good; the operating
 * system's cache holds the data folder's files beside it. The 1,000,000-line import ran as fast.
 */
const SHARED_BUFFERS = '64MB';

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
      startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${SHARED_BUFFERS}`],
    });
    await db.exec('SET standard_conforming_strings = off; SET escape_string_warning = off;');
    return new PgliteExecutor(db);
  }

  async query(sql: string): Promise<Row[]> {
    const result = await this.db.query<Row>(sql);
    return result.rows;
  }

  async transaction(sqls: readonly string[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      // query(), not exec(): exec() has been seen to return without error for a statement that failed.
      for (const sql of sqls) await tx.query(sql);
    });
  }

  /**
   * Bulk-loads rows with COPY: local mode's faster path for raw events and the aggregator's
   * staged rows (Redshift COPYs the same rows from S3, lambda/aggregator/load.ts). Values are
   * stored as the SQL literals would store them (`storable`), so every path gives the same tables
   * (test/local/indexes.test.ts; test/simulation/aggregator-aws-path.test.ts).
   */
  async copyRows(table: string, columns: readonly string[], rows: readonly SqlValue[][]): Promise<void> {
    if (rows.length === 0) return;
    const csv = rows.map((r) => r.map(csvField).join(',')).join('\n');
    await this.db.query(`COPY ${table} (${columns.join(', ')}) FROM '/dev/blob' WITH (FORMAT csv)`, [], { blob: new Blob([csv]) });
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}

/** The local warehouse: PGlite (Postgres compiled to WASM) in-process, data on disk or in memory. */
import { PGlite } from '@electric-sql/pglite';
import type { Row, StatementExecutor } from './executor';

/** Runs statements on an embedded Postgres. */
export class PgliteExecutor implements StatementExecutor {
  private constructor(readonly db: PGlite) {}

  /**
   * Opens the database in `dataDir` (in memory when omitted). Backslashes in string literals are
   * escapes, as on Redshift, so literal text means the same on both engines.
   */
  static async open(dataDir?: string): Promise<PgliteExecutor> {
    const db = await PGlite.create(dataDir);
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

  async close(): Promise<void> {
    await this.db.close();
  }
}

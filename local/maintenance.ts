/**
 * Local mode's stand-in for autovacuum's statistics. Redshift keeps its table statistics by
 * itself; PGlite runs Postgres in single-user mode, where autovacuum never runs. Its planner then
 * never learns a table's size or that event ids are unique, and it planned whole-table scans for
 * every batch's id lookups and merges: the 1,000,000-line import spent 100 of its 316 s in
 * lookups that take 20 ms each once the tables are analysed.
 *
 * After each batch, every table that has grown past twice its size at its last ANALYZE is
 * analysed, so the work stays proportional to what was written (ANALYZE reads a sample, not the
 * table). This changes no stored row, only plans (test/local/maintenance.test.ts). Dead rows are
 * left to Postgres's pruning of the pages it touches: VACUUM, which reads whole tables, made the
 * 100,000-line import 13 % slower.
 */
import type { StatementExecutor } from '../warehouse/executor';

/** Growth since the last ANALYZE that makes a table due. */
const GROWTH = 2;

/** Pages (8 KiB) below which a table is too small for its plan to matter. */
const MIN_PAGES = 16;

/**
 * The tables due for ANALYZE (`relpages` is the size it last saw). The staging tables are
 * temporary, outside `public` (lambda/aggregator/stage.ts): the planner estimates them from their current size.
 */
const DUE_TABLES_SQL = `SELECT relname FROM pg_class
 WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace
   AND pg_relation_size(oid) > 8192 * GREATEST(${MIN_PAGES}, ${GROWTH} * relpages)
 ORDER BY relname`;

/** Analyses the tables that are due; returns their names. */
export async function maintainTables(db: StatementExecutor): Promise<string[]> {
  const due = (await db.query(DUE_TABLES_SQL)).map((r) => String(r.relname));
  for (const table of due) await db.query(`ANALYZE ${table}`);
  return due;
}

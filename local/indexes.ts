/**
 * One of the three ways local mode's warehouse differs from Redshift's, all for speed (the others:
 * raw events and staged aggregate rows bulk-loaded with COPY, `PgliteExecutor.copyingTransaction`; and the
 * tables analysed as they grow, maintenance.ts, where Redshift does it by itself): indexes. Redshift
 * has none (it scans sorted, zone-mapped columns); PGlite without them scans whole tables for
 * every batch's MERGE and every id lookup, so an import slows down as the tables grow. Each
 * aggregate table gets an index on the columns its rows are matched by, taken from the same
 * specs the aggregator writes with (event ids are looked up in `seen_events`). Indexes change no
 * result: the tables and the query answers are the same with or without them (tested).
 */
import { TABLES, type TableSpec } from '../lambda/aggregator/tables';
import type { StatementExecutor } from '../warehouse/executor';

/** The columns a table's rows are found by: the ids of `seen_events` are looked up alone (sql.ts `seenEventsSql`). */
function matchColumns(t: TableSpec): string[] {
  switch (t.kind) {
    case 'counter':
      return t.keys.map(([name]) => name);
    case 'membership':
      return (t.distinctPerEvent ? t.columns.slice(0, 1) : t.columns).map(([name]) => name);
    case 'state':
      return [t.key[0]];
  }
}

/**
 * `CREATE INDEX` for every table's match columns. One column gets a hash index, several a
 * B-tree: a hash probe reads one bucket page where a B-tree descends through text comparisons,
 * and the 1,000,000-line import's id lookups and inserts took half the time with it.
 */
export function localIndexStatements(): string[] {
  return TABLES.map((t) => {
    const columns = matchColumns(t);
    return columns.length === 1
      ? `CREATE INDEX IF NOT EXISTS ${t.table}_key ON ${t.table} USING hash (${columns[0]})`
      : `CREATE INDEX IF NOT EXISTS ${t.table}_match ON ${t.table} (${columns.join(', ')})`;
  });
}

/**
 * Creates the local indexes (idempotent), and drops those that data folders made by earlier
 * versions still have: the B-trees that hash indexes replaced, and the raw events' index on their
 * id (nothing reads it since the aggregator stores raw events, and every stored event updated it).
 */
export async function createLocalIndexes(db: StatementExecutor): Promise<void> {
  const replaced = TABLES.filter((t) => matchColumns(t).length === 1).map((t) => `DROP INDEX IF EXISTS ${t.table}_match`);
  await db.transaction([...replaced, ...localIndexStatements(), 'DROP INDEX IF EXISTS events_match']);
}

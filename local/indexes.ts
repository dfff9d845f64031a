/**
 * One of the three ways local mode's warehouse differs from Redshift's, all for speed (the others:
 * raw events and staged aggregate rows bulk-loaded with COPY, `PgliteExecutor.copyRows`; and the
 * tables analysed as they grow, maintenance.ts, where Redshift does it by itself): indexes. Redshift
 * has none (it scans sorted, zone-mapped columns); PGlite without them scans whole tables for
 * every batch's MERGE and every id lookup, so an import slows down as the tables grow. Each
 * aggregate table gets an index on the columns its rows are matched by, taken from the same
 * specs the aggregator writes with (event ids are looked up in `seen_events`). Indexes change no
 * result: the tables and the query answers are the same with or without them (tested).
 */
import { TABLES } from '../lambda/aggregator/tables';
import type { StatementExecutor } from '../warehouse/executor';

/** `CREATE INDEX` for every table's match columns. */
export function localIndexStatements(): string[] {
  return TABLES.map((t) => {
    const columns =
      t.kind === 'counter' ? t.keys.map(([name]) => name) : t.kind === 'membership' ? t.columns.map(([name]) => name) : [t.key[0]];
    return `CREATE INDEX IF NOT EXISTS ${t.table}_match ON ${t.table} (${columns.join(', ')})`;
  });
}

/**
 * Creates the local indexes (idempotent), and drops the raw events' index on their id, which data
 * folders made before the aggregator stored raw events still have: nothing reads it, and every
 * stored event updated it.
 */
export async function createLocalIndexes(db: StatementExecutor): Promise<void> {
  await db.transaction([...localIndexStatements(), 'DROP INDEX IF EXISTS events_match']);
}

/**
 * One of the three ways local mode's warehouse differs from Redshift's, all for speed (the others:
 * raw events and staged aggregate rows bulk-loaded with COPY, `PgliteExecutor.copyRows`; and the
 * tables analysed as they grow, maintenance.ts, where Redshift does it by itself): indexes. Redshift
 * has none (it scans sorted, zone-mapped columns); PGlite without them scans whole tables for
 * every batch's MERGE and every id lookup, so an import slows down as the tables grow. Each
 * aggregate table gets an index on the columns its rows are matched by, taken from the same
 * specs the aggregator writes with; the raw events get one on the event id. Indexes change no
 * result: the tables and the query answers are the same with or without them (tested).
 */
import { TABLES } from '../lambda/aggregator/tables';
import type { StatementExecutor } from '../warehouse/executor';

/** `CREATE INDEX` for every table's match columns and the raw events' id. */
export function localIndexStatements(): string[] {
  const keyed = TABLES.map((t): [string, readonly string[]] => {
    if (t.kind === 'counter') return [t.table, t.keys.map(([name]) => name)];
    if (t.kind === 'membership') return [t.table, t.columns.map(([name]) => name)];
    return [t.table, [t.key[0]]];
  });
  return [...keyed, ['events', ['event_id']] as [string, readonly string[]]].map(
    ([table, columns]) => `CREATE INDEX IF NOT EXISTS ${table}_match ON ${table} (${columns.join(', ')})`,
  );
}

/** Creates the local indexes (idempotent). */
export async function createLocalIndexes(db: StatementExecutor): Promise<void> {
  await db.transaction(localIndexStatements());
}

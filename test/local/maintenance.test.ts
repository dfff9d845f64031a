/**
 * Local mode's stand-in for autovacuum: tables that grew are analysed, so the planner finds
 * event ids through their indexes instead of scanning whole tables, and no stored row changes.
 * Staging tables are temporary and emptied at every commit, so they hold no batch once it is applied.
 */
import { applyBatch } from '../../lambda/aggregator/apply';
import { createLocalIndexes } from '../../local/indexes';
import { maintainTables } from '../../local/maintenance';
import type { PgliteExecutor } from '../../warehouse/pglite';
import { streamsetsEvents, distinctCopies } from '../support/datasets';
import { dumpAggregates, freshWarehouse, mskBatches, toLog } from '../support/warehouse';

const plan = async (db: PgliteExecutor, sql: string) => (await db.query(`EXPLAIN ${sql}`)).map((r) => r['QUERY PLAN']).join('\n');

describe('local table maintenance', () => {
  const events = distinctCopies(streamsetsEvents(), 4);
  const lookup = `SELECT event_id FROM seen_events WHERE event_id IN (${events
    .slice(0, 2000)
    .map((e) => `'${e.eventId}'`)
    .join(', ')})`;

  it('analyses the tables that grew, finds ids through the index afterwards, and changes no row', async () => {
    const run = async (maintained: boolean) => {
      const db = await freshWarehouse();
      await createLocalIndexes(db);
      const analysed: string[][] = [];
      for (const batch of mskBatches(toLog(events), 3000)) {
        await applyBatch(db, 'clickstream', batch);
        if (maintained) analysed.push(await maintainTables(db));
      }
      const scan = await plan(db, lookup);
      const stats = await db.query(`SELECT relname, reltuples FROM pg_class WHERE relname IN ('seen_events', 'sessions') ORDER BY relname`);
      const dump = await dumpAggregates(db);
      await db.close();
      return { analysed, scan, stats, dump };
    };
    const [plain, maintained] = [await run(false), await run(true)];
    expect(maintained.dump).toEqual(plain.dump);

    // Never analysed, the planner guesses the IN list matches most of the table and reads all of it.
    expect(plain.scan).toMatch(/^Seq Scan on seen_events/);
    expect(plain.stats.map((r) => Number(r.reltuples))).toEqual([-1, -1]);
    expect(maintained.scan).toMatch(/Index (Only )?Scan|Bitmap Index Scan/);
    expect(maintained.stats.map((r) => Number(r.reltuples) > 0)).toEqual([true, true]);

    // Each table is analysed again only once it has doubled: a few times over the run, not after every batch.
    const times = (table: string) => maintained.analysed.filter((names) => names.includes(table)).length;
    expect(times('seen_events')).toBeGreaterThanOrEqual(1);
    expect(times('seen_events')).toBeLessThanOrEqual(4);
    expect(maintained.analysed.at(-1)).not.toContain('seen_events');
    expect(maintained.analysed.flat().some((t) => t.startsWith('batch_'))).toBe(false);
  }, 180_000);

  it('leaves the staging tables empty after every batch, however many ran', async () => {
    const db = await freshWarehouse();
    await createLocalIndexes(db);
    const staged = async () =>
      Number((await db.query(`SELECT count(*) + pg_relation_size('batch_sessions') AS n FROM batch_sessions`))[0].n);
    const batches = mskBatches(toLog(events.slice(0, 6000)), 500);
    expect(batches.length).toBeGreaterThan(10);
    for (const batch of batches) {
      expect(await applyBatch(db, 'clickstream', batch)).toMatchObject({ applied: expect.any(Number), poisoned: [] });
      expect(await staged()).toBe(0);
    }
    expect(Number((await db.query('SELECT count(*) AS n FROM seen_events'))[0].n)).toBe(6000);
    await db.close();
  }, 60_000);
});

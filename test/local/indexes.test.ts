/**
 * Local mode's differences from Redshift, all for speed, change no result (the third, analysing
 * tables as they grow, in maintenance.test.ts): its indexes (the StreamSets sample gives
 * identical tables with and without them), and its staging of raw events with COPY (the same
 * rows as inlined INSERT statements, hostile strings included; the AWS path's COPY from S3 is
 * compared in test/simulation).
 */
import { applyBatch } from '../../lambda/aggregator/apply';
import { createLocalIndexes, localIndexStatements } from '../../local/indexes';
import type { StatementExecutor } from '../../warehouse/executor';
import { hostileEvents } from '../support/examples';
import { streamsetsEvents } from '../support/datasets';
import { dumpAggregates, freshWarehouse, mskBatches, toLog } from '../support/warehouse';

describe('local warehouse indexes', () => {
  it('index every table by the columns its rows are matched on', () => {
    const statements = localIndexStatements();
    expect(statements.some((s) => s.includes(' ON events '))).toBe(false); // nothing looks raw events up by id any more
    expect(statements).toContain('CREATE INDEX IF NOT EXISTS seen_events_key ON seen_events USING hash (event_id)');
    expect(statements).toContain('CREATE INDEX IF NOT EXISTS sessions_key ON sessions USING hash (session_id)');
    expect(statements).toContain('CREATE INDEX IF NOT EXISTS page_views_daily_match ON page_views_daily (day, host, path, site, is_bot)');
  });

  it('replace the B-trees of data folders made before with hash indexes', async () => {
    const db = await freshWarehouse();
    try {
      await db.query('CREATE INDEX seen_events_match ON seen_events (event_id, day)');
      await createLocalIndexes(db);
      const methods = await db.query(
        `SELECT c.relname, am.amname FROM pg_class c JOIN pg_am am ON am.oid = c.relam WHERE c.relname LIKE 'seen_events%' AND c.relkind = 'i'`,
      );
      expect(methods).toEqual([{ relname: 'seen_events_key', amname: 'hash' }]);
    } finally {
      await db.close();
    }
  });

  it('give the same tables as a warehouse without them', async () => {
    const events = streamsetsEvents();
    const run = async (indexed: boolean) => {
      const db = await freshWarehouse();
      if (indexed) await createLocalIndexes(db);
      // The first 100 events again, at later offsets: repeats are found through the index too.
      for (const batch of mskBatches(toLog([...events, ...events.slice(0, 100)]), 3000))
        await applyBatch(db, 'clickstream', batch, { rawEvents: true });
      const dump = await dumpAggregates(db);
      const raw = (await db.query('SELECT event_id FROM events ORDER BY event_id')).map((r) => r.event_id);
      await db.close();
      return { dump, raw };
    };
    const [plain, indexed] = [await run(false), await run(true)];
    expect(indexed).toEqual(plain);
    expect(plain.raw).toHaveLength(new Set(events.map((e) => e.eventId)).size);
  }, 120_000);

  it('stage raw events with COPY and store them exactly as the inlined INSERT statements do', async () => {
    const events = [...streamsetsEvents().slice(0, 500), ...hostileEvents()];
    const stored = async (copy: boolean) => {
      const db = await freshWarehouse();
      // Without copyingTransaction the same batch goes inlined as SQL text.
      const inlined: StatementExecutor = { query: (q) => db.query(q), transaction: (q) => db.transaction(q), close: () => db.close() };
      const log = toLog(events);
      expect(await applyBatch(copy ? db : inlined, 'clickstream', mskBatches(log, log.length)[0], { rawEvents: true })).toMatchObject({
        poisoned: [],
      });
      const rows = await db.query('SELECT * FROM events ORDER BY event_id');
      await db.close();
      return rows;
    };
    const [inserted, copied] = [await stored(false), await stored(true)];
    expect(copied).toEqual(inserted);
    expect(copied).toHaveLength(events.length);
    expect(copied.map((r) => r.event_name)).toEqual(expect.arrayContaining(["'; DROP TABLE events; --", '', 'nul\uFFFDbyte']));
  });
});

/**
 * Local mode's indexes (its one difference from Redshift, for speed) change no result: the
 * StreamSets sample applied to a warehouse with them and to one without gives identical tables.
 */
import { applyBatch } from '../../lambda/aggregator/apply';
import { createLocalIndexes, localIndexStatements } from '../../local/indexes';
import { storeRawEvents } from '../../warehouse/raw-events';
import { streamsetsEvents } from '../support/datasets';
import { dumpAggregates, freshWarehouse, mskBatches, toLog } from '../support/warehouse';

describe('local warehouse indexes', () => {
  it('index every table by the columns its rows are matched on', () => {
    const statements = localIndexStatements();
    expect(statements).toContain('CREATE INDEX IF NOT EXISTS events_match ON events (event_id)');
    expect(statements).toContain('CREATE INDEX IF NOT EXISTS seen_events_match ON seen_events (event_id, day)');
    expect(statements).toContain('CREATE INDEX IF NOT EXISTS sessions_match ON sessions (session_id)');
  });

  it('give the same tables as a warehouse without them', async () => {
    const events = streamsetsEvents();
    const run = async (indexed: boolean) => {
      const db = await freshWarehouse();
      if (indexed) await createLocalIndexes(db);
      for (const batch of mskBatches(toLog(events), 3000)) await applyBatch(db, 'clickstream', batch);
      await storeRawEvents(db, events);
      await storeRawEvents(db, events.slice(0, 100)); // repeats are found through the index too
      const dump = await dumpAggregates(db);
      const raw = (await db.query('SELECT event_id FROM events ORDER BY event_id')).map((r) => r.event_id);
      await db.close();
      return { dump, raw };
    };
    const [plain, indexed] = [await run(false), await run(true)];
    expect(indexed).toEqual(plain);
    expect(plain.raw).toHaveLength(new Set(events.map((e) => e.eventId)).size);
  }, 120_000);
});

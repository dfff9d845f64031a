/**
 * The bundled aggregator Lambda on the simulated AWS path: three partitions' writers run at once
 * through the Data API stand-in on PostgreSQL (SERIALIZABLE), their rows COPYed from the S3
 * stand-in, with throttling and serialization conflicts injected on top of the real ones, and
 * batches delivered again after they were applied. Nothing may be lost or counted twice: every
 * aggregate table equals the one a single writer builds from the same events on PGlite, the
 * counts equal those taken straight from the CSV, and each event is stored raw once, hostile
 * text included, exactly as local mode stores it.
 */
import { applyBatch } from '../../lambda/aggregator/apply';
import { TABLES } from '../../lambda/aggregator/tables';
import { produceAt, simulateAwsPath, type AwsPathReport } from '../../simulation/aws-path';
import { seededRandom } from '../../simulation/model';
import type { StatementExecutor } from '../../warehouse/executor';
import { streamsetsEvents, streamsetsExpected } from '../support/datasets';
import { hostileEvents } from '../support/examples';
import { describePostgres } from '../support/simulated-redshift';
import { freshWarehouse, mskBatches, toLog } from '../support/warehouse';

/** A table's rows as JSON text, sorted: the same text on PGlite and PostgreSQL for the same rows. */
async function rowsOf(db: StatementExecutor, table: string): Promise<string[]> {
  const rows = await db.query(`SELECT CAST(row_to_json(t) AS TEXT) AS j FROM ${table} AS t`);
  return rows.map((r) => String(r.j)).sort();
}

describePostgres('aggregator Lambda on the simulated AWS path', () => {
  const events = [...streamsetsEvents(), ...hostileEvents()];
  const expected = streamsetsExpected();
  let report: AwsPathReport;
  const remote: Record<string, string[]> = {};
  let views: [string, number][] = [];
  let raw: string[] = [];

  beforeAll(async () => {
    report = await simulateAwsPath({
      // Seed 2031 aborts the first writing transaction, so conflicts are met however the batches fall.
      model: { latencyMs: 30, callMs: 2, throttleRate: 0.03, conflictRate: 0.15, random: seededRandom(2031) },
      mapping: { batchSize: 1000, windowMs: 200, redeliverRate: 0.2, random: seededRandom(99) },
      produce: (log) => produceAt(log, events, 4000),
      inspect: async (db) => {
        for (const spec of TABLES) remote[spec.table] = await rowsOf(db, spec.table);
        const rows = await db.query("SELECT session_id, action, url, views FROM session_action_urls WHERE session_id <> 'hostile-session'");
        views = rows
          .map((r) => [`${r.session_id}|${r.action}|${r.url}`, Number(r.views)] as [string, number])
          .sort(([a], [b]) => (a < b ? -1 : 1));
        raw = await rowsOf(db, 'events');
      },
    });
  }, 240_000);

  it('ran the partitions at once and met conflicts and throttling on the way', () => {
    expect(report.events).toBe(events.length);
    expect(report.mapping.batchSizes.reduce((a, b) => a + b, 0)).toBe(events.length);
    expect(report.api.injectedConflicts).toBeGreaterThan(0);
    expect(report.api.throttled).toBeGreaterThan(0);
    expect(report.mapping.redelivered).toBeGreaterThan(0);
    expect(report.freshnessMs).toHaveLength(events.length);
    expect(report.s3.puts).toBeGreaterThan(0);
  });

  it('builds every aggregate table exactly as one writer does from the same events', async () => {
    const local = await freshWarehouse();
    try {
      for (const batch of mskBatches(toLog(events), 1000)) await applyBatch(local, 'clickstream', batch);
      for (const spec of TABLES)
        expect({ table: spec.table, rows: remote[spec.table] }).toEqual({ table: spec.table, rows: await rowsOf(local, spec.table) });
    } finally {
      await local.close();
    }
  });

  it('counts views per session, action and URL exactly as the CSV says', () => {
    expect(views).toEqual(expected.views);
  });

  it('stores each event raw once, every value as local mode stores it', async () => {
    const local = await freshWarehouse();
    try {
      for (const batch of mskBatches(toLog(events), 5000))
        expect(await applyBatch(local, 'clickstream', batch, { rawEvents: true })).toMatchObject({ poisoned: [] });
      expect(raw).toHaveLength(events.length);
      expect(raw).toEqual(await rowsOf(local, 'events'));
    } finally {
      await local.close();
    }
  });
});

import { applyBatch } from '../../lambda/aggregator/apply';
import type { Refused } from '../../lambda/shared/refused';
import { s3From, type CopyStage } from '../../warehouse/copy';
import type { StatementExecutor } from '../../warehouse/executor';
import type { PgliteExecutor } from '../../warehouse/pglite';
import { streamsetsEvents, streamsetsExpected } from '../support/datasets';
import { dumpAggregates, freshWarehouse, mskBatches, toLog } from '../support/warehouse';

async function applyAll(db: PgliteExecutor, batches: ReturnType<typeof mskBatches>) {
  for (const b of batches) await applyBatch(db, 'clickstream', b);
}

describe('aggregator on the StreamSets sample', () => {
  const events = streamsetsEvents();
  const log = toLog(events);
  const expected = streamsetsExpected();
  let db: PgliteExecutor;
  let reference: Record<string, unknown[]>;

  beforeAll(async () => {
    db = await freshWarehouse();
    await applyAll(db, mskBatches(log, 1000));
    reference = await dumpAggregates(db);
  });
  afterAll(() => db.close());

  it('counts views per session per action per URL exactly as the CSV says', async () => {
    const rows = await db.query('SELECT session_id, action, url, views FROM session_action_urls');
    const got = rows
      .map((r) => [`${r.session_id}|${r.action}|${r.url}`, Number(r.views)] as [string, number])
      .sort(([a], [b]) => (a < b ? -1 : 1));
    expect(got).toEqual(expected.views);
  });

  it('counts events per HTTP status, per brand, and sessions per client IP exactly', async () => {
    const status = await db.query('SELECT http_status, SUM(events) AS n FROM http_status_daily GROUP BY http_status ORDER BY 1');
    expect(status.map((r) => [String(r.http_status), Number(r.n)]).sort()).toEqual(expected.status);
    const brands = await db.query('SELECT brand, SUM(events) AS n FROM brands_daily GROUP BY brand');
    expect(brands.map((r) => [r.brand, Number(r.n)]).sort()).toEqual(expected.brands);
    const ips = await db.query('SELECT client_ip, COUNT(*) AS n FROM ip_sessions GROUP BY client_ip');
    expect(ips.map((r) => [r.client_ip, Number(r.n)]).sort()).toEqual(expected.ipSessions);
    const [traffic] = await db.query('SELECT SUM(events) AS n FROM traffic_hourly');
    expect(Number(traffic.n)).toBe(expected.total);
  });

  it('keeps one session row per session with its events', async () => {
    const [row] = await db.query('SELECT COUNT(*) AS sessions, SUM(events) AS events FROM sessions');
    expect(Number(row.sessions)).toBe(new Set(events.map((e) => e.sessionId)).size);
    expect(Number(row.events)).toBe(events.length);
  });

  it('changes nothing when the same batches are replayed', async () => {
    const result = await applyBatch(db, 'clickstream', mskBatches(log, 1000)[3]);
    expect(result).toMatchObject({ applied: 0, replayed: 1000 });
    await applyAll(db, mskBatches(log, 700));
    expect(await dumpAggregates(db)).toEqual(reference);
  });

  it('counts an event once when it arrives again at a later offset (a client retry, a repeated import)', async () => {
    const again = toLog([...events.slice(0, 500), ...events.slice(0, 500)]);
    const other = await freshWarehouse();
    try {
      const results = [];
      for (const b of mskBatches(again, 300)) results.push(await applyBatch(other, 'clickstream', b));
      expect(results.reduce((n, r) => n + r.applied, 0)).toBe(500);
      expect(results.reduce((n, r) => n + r.duplicates, 0)).toBe(500);
      const [row] = await other.query('SELECT SUM(events) AS n FROM traffic_hourly');
      expect(Number(row.n)).toBe(500);
    } finally {
      await other.close();
    }
  });

  it('gives identical tables when batches are split differently and partitions arrive in another order', async () => {
    const other = await freshWarehouse();
    try {
      const byPartition = [2, 0, 1].map((p) => log.filter((r) => r.partition === p));
      // Partition 2 first in uneven slices, then 0 and 1 interleaved, with one overlapping retry.
      await applyAll(other, mskBatches(byPartition[0], 333));
      const rest = [...byPartition[1], ...byPartition[2]].sort((a, b) => a.offset - b.offset);
      const batches = mskBatches(rest, 2500);
      await applyAll(other, batches.slice(0, 2));
      await applyAll(other, batches.slice(1));
      expect(await dumpAggregates(other)).toEqual(reference);
    } finally {
      await other.close();
    }
  });

  /**
   * The real warehouse, made to refuse statements that carry a given event id the way it refuses
   * a value it cannot hold: the statement that fails is a real cast error (SQLSTATE 22P02).
   */
  const refusing = (
    db: PgliteExecutor,
    poison: string,
    fail = () => db.transaction(["SELECT CAST('poison' AS INTEGER)"]),
  ): StatementExecutor => ({
    query: (sql) => db.query(sql),
    transaction: (sqls) => (sqls.some((q) => q.includes(poison)) ? fail() : db.transaction(sqls)),
    close: () => db.close(),
  });

  it('sets aside an event the warehouse refuses, applies the rest of its batch, and moves past it', async () => {
    const poisoned = events[1234];
    const clean = await freshWarehouse();
    const other = await freshWarehouse();
    try {
      await applyAll(clean, mskBatches(toLog(events.filter((e) => e !== poisoned)), 1000));
      const kept: Refused[] = [];
      const results = [];
      for (const b of mskBatches(log, 1000))
        results.push(await applyBatch(refusing(other, poisoned.eventId), 'clickstream', b, { setAside: async (r) => void kept.push(r) }));
      expect(kept.map((r) => [r.event.eventId, r.reason])).toEqual([
        [poisoned.eventId, expect.stringMatching(/^aggregator: the warehouse refused the event: invalid input syntax/)],
      ]);
      expect(results.flatMap((r) => r.poisoned)).toEqual(kept);
      expect(await dumpAggregates(other)).toEqual(await dumpAggregates(clean));
      // The watermark passed it: a replay changes nothing and refuses nothing again.
      const again = await applyBatch(refusing(other, poisoned.eventId), 'clickstream', mskBatches(log, 1000)[1]);
      expect(again).toMatchObject({ applied: 0, replayed: 1000, poisoned: [] });
    } finally {
      await clean.close();
      await other.close();
    }
  });

  it('applies every event with its rows inlined when the warehouse refuses every COPY, setting none aside', async () => {
    // PGlite cannot COPY from S3: each loaded transaction fails as a statement error would on Redshift.
    const stage: CopyStage = { put: async () => s3From('bucket', 'staging/aggregator/x.json.gz', 'arn:aws:iam::123456789012:role/copy') };
    const few = mskBatches(toLog(events.slice(0, 40)), 40)[0];
    const [inlined, refusing] = [await freshWarehouse(), await freshWarehouse()];
    try {
      const plain: StatementExecutor = {
        query: (q) => inlined.query(q),
        transaction: (q) => inlined.transaction(q),
        close: () => inlined.close(),
      };
      await applyBatch(plain, 'clickstream', few, { rawEvents: true });
      const copyless: StatementExecutor = {
        query: (q) => refusing.query(q),
        transaction: (q) => refusing.transaction(q),
        close: () => refusing.close(),
      };
      const result = await applyBatch(copyless, 'clickstream', few, { copyStage: stage, rawEvents: true });
      expect(result).toMatchObject({ applied: 40, poisoned: [] });
      expect(await dumpAggregates(refusing)).toEqual(await dumpAggregates(inlined));
      expect(await refusing.query('SELECT * FROM events ORDER BY event_id')).toEqual(
        await inlined.query('SELECT * FROM events ORDER BY event_id'),
      );
    } finally {
      await inlined.close();
      await refusing.close();
    }
  });

  it('still sets aside the one event the warehouse refuses when its batch was loaded with COPY', async () => {
    const stage: CopyStage = { put: async () => s3From('bucket', 'staging/aggregator/x.json.gz', 'arn:aws:iam::123456789012:role/copy') };
    const poisoned = events[17];
    const other = await freshWarehouse();
    try {
      const batch = mskBatches(toLog(events.slice(0, 40)), 40)[0];
      const result = await applyBatch(refusing(other, poisoned.eventId), 'clickstream', batch, { copyStage: stage, rawEvents: true });
      expect(result.poisoned.map((p) => p.event.eventId)).toEqual([poisoned.eventId]);
      expect(result.applied).toBe(39);
      const [row] = await other.query('SELECT COUNT(*) AS n FROM events');
      expect(Number(row.n)).toBe(39);
    } finally {
      await other.close();
    }
  });

  it('fails the whole batch (to be retried) when the warehouse itself fails, not its data', async () => {
    const other = await freshWarehouse();
    try {
      const down = refusing(other, 'session', () => Promise.reject(new Error('connect ECONNREFUSED')));
      await expect(applyBatch(down, 'clickstream', mskBatches(log, 1000)[0])).rejects.toThrow('ECONNREFUSED');
      const [row] = await other.query('SELECT COUNT(*) AS n FROM stream_offsets');
      expect(Number(row.n)).toBe(0);
    } finally {
      await other.close();
    }
  });
});

describe('remembered ids', () => {
  const event = (n: number) => streamsetsEvents()[n];
  async function applyAt(db: PgliteExecutor, events: ReturnType<typeof streamsetsEvents>, now: string, from = 0) {
    const log = toLog(events, 'clickstream', 1).map((r, i) => ({ ...r, offset: from + i }));
    await applyBatch(db, 'clickstream', mskBatches(log, 1000)[0], { now: new Date(now) });
  }
  const seenDays = async (db: PgliteExecutor) =>
    (await db.query('SELECT day FROM seen_events ORDER BY day')).map((r) => (r.day as Date).toISOString().slice(0, 10));

  it('are kept with the day they were applied, caught as duplicates within 35 days, and forgotten after', async () => {
    const db = await freshWarehouse();
    try {
      await applyAt(db, [event(0)], '2026-01-01T10:00:00Z');
      expect(await seenDays(db)).toEqual(['2026-01-01']); // the day applied, not the event's own (2026-11-20)
      await applyAt(db, [event(0), event(1)], '2026-02-04T10:00:00Z', 1); // 34 days later: still a duplicate
      expect(Number((await db.query('SELECT SUM(events) AS n FROM traffic_hourly'))[0].n)).toBe(2);
      expect(await seenDays(db)).toEqual(['2026-01-01', '2026-02-04']);
      await applyAt(db, [event(2)], '2026-02-06T10:00:00Z', 3); // the first batch of a later day prunes past 35 days
      expect(await seenDays(db)).toEqual(['2026-02-04', '2026-02-06']);
    } finally {
      await db.close();
    }
  });
});

import { PGlite } from '@electric-sql/pglite';
(async () => {
  const db = await PGlite.create(process.argv[2]);
  const ids = (await db.query<{ event_id: string }>('SELECT event_id FROM seen_events ORDER BY day DESC LIMIT 2000')).rows.map((r) => `'${r.event_id}'`);
  for (const sql of [
    `SELECT event_id FROM seen_events WHERE event_id IN (${ids.join(',')})`,
    `SELECT event_id FROM events WHERE received_timestamp >= CAST('2015-06-01 00:00:00' AS TIMESTAMP) AND received_timestamp <= CAST('2015-06-03 00:00:00' AS TIMESTAMP) AND event_id IN (${ids.join(',')})`,
    `SELECT relname, relpages, reltuples FROM pg_class WHERE relname LIKE 'stage_%' OR relname IN ('sessions','events','seen_events') ORDER BY relpages DESC LIMIT 12`,
  ]) {
    const t = performance.now();
    const r = await db.query<any>(sql.startsWith('SELECT relname') ? sql : `EXPLAIN ANALYZE ${sql}`);
    console.log((performance.now() - t).toFixed(0), 'ms'); console.log(r.rows.map((x: any) => Object.values(x).join(' ')).join('\n').slice(0, 1500));
  }
  const sizes = await db.query<any>(`SELECT relname, pg_relation_size(oid)/8192 AS pages FROM pg_class WHERE relkind='r' AND relnamespace='public'::regnamespace ORDER BY 2 DESC LIMIT 12`);
  console.log(sizes.rows);
  await db.close();
})();

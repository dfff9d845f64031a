import { storable } from '../../warehouse/literal';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COLUMNS, SCHEMA_VERSION, type ClickEvent } from '../../contract';
import { applyBatch } from '../../lambda/aggregator/apply';
import { splitStatements, toPostgres } from '../../warehouse/dialect';
import { migrate } from '../../warehouse/migrations';
import { listQueries, parseSince, renderQuery } from '../../warehouse/named-queries';
import { PgliteExecutor } from '../../warehouse/pglite';
import { freshWarehouse, mskBatches, toLog } from '../support/warehouse';

describe('migrations', () => {
  it('V001 is the raw-event DDL of the first contract, and the later migrations add every field added since', async () => {
    const file = readFileSync(join(__dirname, '../../sql/migrations/V001__raw_events.sql'), 'utf8');
    const first = file.slice(file.indexOf('CREATE TABLE'));
    const added = COLUMNS.filter((c) => !new RegExp(`^  ${c.name} `, 'm').test(first));
    expect(added.map((c) => c.name)).toEqual(['site']);
    const db = await freshWarehouse();
    try {
      const rows = await db.query(
        "SELECT column_name, data_type, character_maximum_length FROM information_schema.columns WHERE table_name = 'events'",
      );
      const PG: Record<string, string> = { VARCHAR: 'character varying', CHAR: 'character', TIMESTAMP: 'timestamp without time zone' };
      const pgType = (sql: string) => PG[sql.replace(/\(.*/, '')] ?? sql.toLowerCase();
      const size = (sql: string) => Number(/\((\d+)\)/.exec(sql)?.[1] ?? NaN) || null;
      expect(rows.map((r) => [r.column_name, r.data_type, r.character_maximum_length]).sort()).toEqual(
        COLUMNS.map((c) => [c.name, pgType(c.sqlType), size(c.sqlType)]).sort(),
      );
    } finally {
      await db.close();
    }
  });

  it('V006 drops every staging table V005 made, now that local mode stages in temporary tables', async () => {
    const names = (file: string, verb: RegExp) =>
      splitStatements(readFileSync(join(__dirname, '../../sql/migrations', file), 'utf8')).map((s) => verb.exec(s)?.[1]);
    const made = names('V005__staging.sql', /^CREATE TABLE IF NOT EXISTS (\w+)/);
    expect(made).toHaveLength(19);
    expect(names('V006__drop_staging.sql', /^DROP TABLE IF EXISTS (\w+)$/)).toEqual(made);
    const db = await freshWarehouse();
    try {
      expect(await db.query(`SELECT relname FROM pg_class WHERE left(relname, 6) = 'stage_'`)).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it('the dialect step removes only Redshift table attributes', () => {
    const redshift = 'CREATE TABLE t (\n  a INT NOT NULL\n)\nDISTKEY (a)\nSORTKEY (a);\nCREATE TABLE u (b INT)\nDISTSTYLE ALL;';
    expect(toPostgres(redshift)).toBe('CREATE TABLE t (\n  a INT NOT NULL\n)\n;\nCREATE TABLE u (b INT)\n;');
    // One statement as the Data API receives it, split from its file and without the `;`.
    expect(toPostgres('CREATE TABLE v (c INT ENCODE az64) DISTSTYLE AUTO SORTKEY (c)')).toBe('CREATE TABLE v (c INT)\n');
  });

  it('applies each migration once', async () => {
    const db = await PgliteExecutor.open();
    try {
      expect(await migrate(db, 'postgres')).toEqual([
        'V001__raw_events.sql',
        'V002__aggregates.sql',
        'V003__sites_bots_users.sql',
        'V004__aggregate_writer_lock.sql',
        'V005__staging.sql',
        'V006__drop_staging.sql',
      ]);
      expect(await migrate(db, 'postgres')).toEqual([]);
    } finally {
      await db.close();
    }
  });
});

/** A page view of session s1 on x.example; `n` makes its event id distinct. */
function pageView(n: number, fields: Partial<ClickEvent>): ClickEvent {
  return {
    schemaVersion: SCHEMA_VERSION,
    eventId: `7d1b1e5e-8f2a-4c4e-9a51-0c7f3f9d2b1${n}`,
    eventType: 'pageView',
    source: 'tracker',
    receivedTimestamp: '2026-11-22T10:00:00.000Z',
    partyId: 'p1',
    sessionId: 's1',
    ...fields,
  };
}

/** Applies events as one batch of a one-partition topic. */
async function applyEvents(db: PgliteExecutor, events: ClickEvent[]): Promise<void> {
  await applyBatch(db, 'clickstream', mskBatches(toLog(events, 'clickstream', 1), 10)[0]);
}

describe('hostile strings land as data', () => {
  const hostile = [
    "'; DROP TABLE sessions; --",
    "\\'; DROP TABLE visitors; --",
    'back\\slash \\\\ end\\',
    'nul\u0000byte',
    '💥 ünïcödé \u2028 line',
    'O\'Reilly "quoted"',
    'lone \uD800 high and \uDFFF low',
  ];

  it.each(hostile.map((h) => [h]))('%j', async (text) => {
    const db = await freshWarehouse();
    try {
      await applyEvents(db, [
        pageView(1, {
          page: { url: `https://x.example/?q=${text}`, host: 'x.example', path: `/${text}` },
          campaign: { source: text },
          commerce: { action: text, brand: text },
        }),
      ]);
      // NUL and lone surrogates, which no UTF-8 column holds, become U+FFFD (README: Guarantees).
      const expected = storable(text);
      expect((await db.query('SELECT path FROM page_views_daily'))[0].path).toBe(`/${expected}`);
      expect((await db.query('SELECT brand FROM brands_daily'))[0].brand).toBe(expected);
      expect((await db.query('SELECT campaign_source FROM sessions'))[0].campaign_source).toBe(expected);
      expect((await db.query('SELECT COUNT(*) AS n FROM visitors'))[0].n).toBe(1);
    } finally {
      await db.close();
    }
  });
});

describe('row keys', () => {
  // Found by the fuzz suite: keys that differ only where the warehouse normalises (NUL, lone
  // surrogates) are one row there; as two rows in one batch, MERGE refused the batch for ever.
  it('counts keys the warehouse stores alike as one row, so one batch never holds two source rows for one target', async () => {
    const db = await freshWarehouse();
    try {
      const paths = ['/a\u0000b', '/a\uFFFDb', '/a\uD800b'];
      await applyEvents(
        db,
        paths.map((path, i) => pageView(i + 1, { page: { url: `https://x.example${path}`, host: 'x.example', path } })),
      );
      const rows = await db.query('SELECT path, views FROM page_views_daily');
      expect(rows.map((r) => [r.path, Number(r.views)])).toEqual([['/a\uFFFDb', 3]]);
    } finally {
      await db.close();
    }
  });

  it('keeps apart rows whose key parts would run together if joined into one string', async () => {
    const db = await freshWarehouse();
    try {
      const url = 'https://x.example/';
      await applyEvents(db, [
        pageView(1, { page: { url, host: 'x', path: '\u0001y' } }),
        pageView(2, { page: { url, host: 'x\u0001', path: 'y' } }),
      ]);
      expect(await db.query('SELECT host, path, views FROM page_views_daily ORDER BY host')).toEqual([
        { host: 'x', path: '\u0001y', views: 1 },
        { host: 'x\u0001', path: 'y', views: 1 },
      ]);
    } finally {
      await db.close();
    }
  });
});

describe('named queries', () => {
  it('each runs on the local warehouse', async () => {
    const db = await freshWarehouse();
    try {
      for (const q of listQueries()) await expect(db.query(renderQuery(q.name, { since: '30d' }))).resolves.toBeDefined();
    } finally {
      await db.close();
    }
  });

  it('names the problem for an unknown query or a bad --since', () => {
    expect(() => renderQuery('top-pagez')).toThrow(/^unknown query "top-pagez"; known queries: bots, brands, browser-mix,/);
    expect(() => parseSince('yesterday-ish', new Date())).toThrow(
      '--since "yesterday-ish": use a duration like 30m, 6h or 7d, "today", or an ISO date such as 2026-11-01',
    );
    expect(parseSince('6h', new Date('2026-11-22T12:00:00Z')).toISOString()).toBe('2026-11-22T06:00:00.000Z');
    expect(parseSince('today', new Date('2026-11-22T12:00:00Z')).toISOString()).toBe('2026-11-22T00:00:00.000Z');
  });
});

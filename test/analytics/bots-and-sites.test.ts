/**
 * Bots apart from people, and sites apart from each other, in every named query: on the public
 * Apache log (bots told by the user agent, counted here straight from the file) and on events
 * of two sites.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isbot } from 'isbot';
import { applyBatch } from '../../lambda/aggregator/apply';
import { readImport } from '../../cli/importers';
import { listQueries, renderQuery } from '../../warehouse/named-queries';
import type { PgliteExecutor } from '../../warehouse/pglite';
import { DATASETS } from '../support/datasets';
import { sampleEvent } from '../support/examples';
import { freshWarehouse, mskBatches, toLog } from '../support/warehouse';
import type { ClickEvent } from '../../contract';

const APACHE = join(DATASETS, 'elastic-apache-logs/apache_logs');
const EVERYTHING = { since: '2015-05-01', now: new Date('2015-06-01T00:00:00Z') };

async function load(events: ClickEvent[]): Promise<PgliteExecutor> {
  const db = await freshWarehouse();
  for (const batch of mskBatches(toLog(events), 2000)) await applyBatch(db, 'clickstream', batch);
  return db;
}

const total = async (db: PgliteExecutor, name: string, column: string, o: object) =>
  (await db.query(renderQuery(name, { ...EVERYTHING, ...o }))).reduce((n, r) => n + Number(r[column]), 0);

describe('bots', () => {
  let db: PgliteExecutor;
  const lines = readFileSync(APACHE, 'utf8').trimEnd().split('\n');
  // "-" is a log's way of saying there was no user agent: nothing to classify, as the importer reads it.
  const agentOf = (l: string) => (l.split('"')[5] ?? '').replace(/^-$/, '');
  const botLines = lines.filter((l) => agentOf(l) !== '' && isbot(agentOf(l)));
  beforeAll(async () => {
    const { events } = await readImport(APACHE, { format: 'apache-combined', site: 'http://www.semicomplete.com' });
    db = await load(events);
  }, 120_000);
  afterAll(() => db.close());

  it('are left out of every people count by default and counted with --include-bots', async () => {
    expect(botLines.length).toBeGreaterThan(500);
    expect(await total(db, 'traffic', 'events', {})).toBe(lines.length - botLines.length);
    expect(await total(db, 'traffic', 'events', { includeBots: true })).toBe(lines.length);
    expect(await total(db, 'http-status', 'events', {})).toBe(lines.length - botLines.length);
    const humanIps = new Set(lines.filter((l) => !botLines.includes(l)).map((l) => l.split(' ')[0]));
    const ipRows = await db.query(renderQuery('sessions-per-ip', { ...EVERYTHING }).replace(/LIMIT 50$/, ''));
    expect(new Set(ipRows.map((r) => r.client_ip)).size).toBe(humanIps.size);
  });

  it('are counted in their own query, by name', async () => {
    const rows = await db.query(renderQuery('bots', EVERYTHING).replace(/LIMIT 50$/, ''));
    expect(rows.reduce((n, r) => n + Number(r.events), 0)).toBe(botLines.length);
    const googlebot = botLines.filter((l) => /Googlebot/.test(agentOf(l))).length;
    expect(googlebot).toBeGreaterThan(0);
    expect(rows.filter((r) => /^Googlebot/.test(String(r.bot))).reduce((n, r) => n + Number(r.events), 0)).toBe(googlebot);
  });

  it('never take part in sessions, visitors or campaigns unless asked', async () => {
    const sessions = await db.query('SELECT COUNT(*) AS n FROM sessions WHERE is_bot');
    expect(Number(sessions[0].n)).toBeGreaterThan(0);
    const thisWeek = async (o: object) =>
      Number((await db.query(renderQuery('visitors-vs-last-week', { ...EVERYTHING, ...o })))[0].sessions);
    const people = await thisWeek({});
    const all = await thisWeek({ includeBots: true });
    expect(all - people).toBe(Number(sessions[0].n));
  });
});

describe('sites', () => {
  let db: PgliteExecutor;
  const at = '2015-05-20T10:00:00.000Z';
  const event = (i: number, site: string | undefined): ClickEvent =>
    sampleEvent({
      eventId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      sessionId: `s${i % 7}-${site}`,
      partyId: `p${i % 5}-${site}`,
      receivedTimestamp: at,
      clientTimestamp: undefined,
      site,
    });
  const events = [
    ...Array.from({ length: 30 }, (_, i) => event(i, 'shop')),
    ...Array.from({ length: 12 }, (_, i) => event(100 + i, 'blog')),
    event(500, undefined),
  ];
  beforeAll(async () => {
    db = await load(events);
  });
  afterAll(() => db.close());

  it('filter every query that counts events to one site', async () => {
    for (const [site, n] of [
      ['shop', 30],
      ['blog', 12],
      ['', 1],
    ] as const) {
      expect(await total(db, 'traffic', 'events', { site })).toBe(n);
      expect(await total(db, 'devices', 'events', { site })).toBe(n);
    }
    expect(await total(db, 'traffic', 'events', {})).toBe(43);
  });

  it('apply to every named query (each runs with a site and with bots included)', async () => {
    for (const q of listQueries()) {
      await expect(db.query(renderQuery(q.name, { ...EVERYTHING, site: "shop' OR '1'='1", includeBots: true }))).resolves.toBeDefined();
    }
    expect(await total(db, 'traffic', 'events', { site: "shop' OR '1'='1" })).toBe(0);
  });
});

/**
 * `clickstream forget` on Snowplow's user-stitching fixture: a user seen with several visitor
 * ids disappears from every event-level store (raw events, mapping, visitors, sessions,
 * memberships, archive) while the anonymous counters keep their totals; a second run finds
 * nothing; the search index gets one delete-by-query naming all their ids.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocal } from '../../local/mode';
import { forgetInSearch } from '../../privacy/search';
import { archivedLines } from '../support/archive';
import { clickstream } from '../support/cli';
import { quietLog } from '../support/collector';
import { DATASETS } from '../support/datasets';
import { withData } from '../support/local-data';

const SNOWPLOW = join(DATASETS, 'snowplow-web-integration-fixture/snowplow_web_events.csv');

describe('clickstream forget', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cs-forget-'));
    expect(clickstream(['import', SNOWPLOW, '--format', 'snowplow-csv', '--data-dir', dir]).stdout).toContain('imported 160 events');
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('removes every event-level trace of a user with several visitor ids, and keeps the anonymous counts', async () => {
    const user = 'Rotating domain_userid per session';
    const before = await withData(dir, async (db) => ({
      parties: (await db.query(`SELECT DISTINCT party_id FROM events WHERE user_id = '${user}'`)).map((r) => String(r.party_id)),
      traffic: Number((await db.query('SELECT SUM(events) AS n FROM traffic_hourly'))[0].n),
      raw: Number((await db.query('SELECT COUNT(*) AS n FROM events'))[0].n),
    }));
    expect(before.parties.length).toBeGreaterThan(1);
    const archived = archivedLines(dir).length;

    const run = clickstream(['forget', '--user', user, '--data-dir', dir]);
    expect(run.stderr).not.toMatch(/clickstream:/);
    for (const p of before.parties) expect(run.stdout.split('\n')[0]).toContain(p);
    const removedRaw = Number(/events (\d+)/.exec(run.stdout)![1]);
    expect(removedRaw).toBeGreaterThan(0);
    const removedLines = Number(/archive: (\d+) lines removed/.exec(run.stdout)![1]);
    expect(removedLines).toBe(removedRaw);

    await withData(dir, async (db) => {
      const inList = before.parties.map((p) => `'${p}'`).join(', ');
      for (const table of ['events', 'user_parties', 'visitors', 'sessions', 'hourly_visitors', 'page_visitors_daily'])
        expect([table, Number((await db.query(`SELECT COUNT(*) AS n FROM ${table} WHERE party_id IN (${inList})`))[0].n)]).toEqual([
          table,
          0,
        ]);
      expect(Number((await db.query(`SELECT COUNT(*) AS n FROM events WHERE user_id = '${user}'`))[0].n)).toBe(0);
      expect(Number((await db.query('SELECT COUNT(*) AS n FROM events'))[0].n)).toBe(before.raw - removedRaw);
      expect(Number((await db.query('SELECT SUM(events) AS n FROM traffic_hourly'))[0].n)).toBe(before.traffic);
    });
    const lines = archivedLines(dir);
    expect(lines.length).toBe(archived - removedLines);
    expect(lines.some((l) => before.parties.some((p) => l.includes(p)) || l.includes(user))).toBe(false);

    const again = clickstream(['forget', '--user', user, '--data-dir', dir]);
    expect(again.stdout).toContain('warehouse rows removed: none');
    expect(again.stdout).toContain('archive: 0 lines removed');
  }, 120_000);

  it('forgets one visitor id through the running local mode, and refuses web pages', async () => {
    const local = await startLocal({ dataDir: dir, port: 0, log: quietLog });
    try {
      const [party] = (await local.db.query("SELECT party_id FROM visitors WHERE party_id NOT LIKE 'import:%' LIMIT 1")).map((r) =>
        String(r.party_id),
      );
      const cross = await fetch(`${local.url}/api/forget?party=${encodeURIComponent(party)}`, {
        method: 'POST',
        headers: { Origin: 'https://evil.example' },
      });
      expect(cross.status).toBe(403);
      const res = await fetch(`${local.url}/api/forget?party=${encodeURIComponent(party)}`, { method: 'POST' });
      expect(res.status).toBe(200);
      const report = (await res.json()) as { visitorIds: string[]; warehouse: Record<string, number> };
      expect(report.visitorIds).toEqual([party]);
      expect(report.warehouse.visitors).toBe(1);
      expect(await local.db.query(`SELECT party_id FROM events WHERE party_id = '${party}'`)).toEqual([]);
      const neither = await fetch(`${local.url}/api/forget`, { method: 'POST' });
      expect(neither.status).toBe(400);
    } finally {
      await local.stop();
    }
  }, 60_000);

  it('names the problem in its options', () => {
    expect(clickstream(['forget']).stderr).toMatch(/clickstream: give either --user ID or --party ID/);
    expect(clickstream(['forget', '--user', 'a', '--party', 'b']).stderr).toMatch(/give either --user ID or --party ID/);
    expect(clickstream(['forget', '--user', ' ']).stderr).toMatch(/--user must not be empty/);
  });

  it('asks the search index to delete the documents of every visitor id and the user id', async () => {
    let seen: { url: string; body: unknown } | undefined;
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        seen = { url: req.url!, body: JSON.parse(body) };
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"deleted":7,"failures":[]}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      expect(await forgetInSearch(endpoint, 'clickstream', { parties: ['p1', 'p2'], user: 'u1' })).toEqual({ deleted: 7 });
      expect(seen!.url).toBe('/clickstream-*/_delete_by_query?conflicts=proceed&refresh=true');
      expect(seen!.body).toEqual({
        query: { bool: { should: [{ terms: { party_id: ['p1', 'p2'] } }, { term: { user_id: 'u1' } }], minimum_should_match: 1 } },
      });
    } finally {
      server.close();
    }
  });
});

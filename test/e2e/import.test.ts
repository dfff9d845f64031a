import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { clickstream, freePort, ROOT, settled, startLocalMode } from '../support/cli';
import { DATASETS, STREAMSETS_CSV, streamsetsExpected } from '../support/datasets';
import { archivedLines } from '../support/archive';
import { dumpAggregates } from '../support/warehouse';
import { APACHE, importApache, withData } from '../support/local-data';

const SNOWPLOW = join(DATASETS, 'snowplow-web-integration-fixture/snowplow_web_events.csv');
const TIME = '2026-11-20T12:00:00Z';

const sorted = (rows: Record<string, unknown>[], key: string, value: string) => rows.map((r) => [String(r[key]), Number(r[value])]).sort();

describe('clickstream import', () => {
  const dirs: string[] = [];
  const tmp = () => {
    const d = mkdtempSync(join(tmpdir(), 'cs-import-'));
    dirs.push(d);
    return d;
  };
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  let reference: Record<string, unknown[]>;

  it('StreamSets CSV: the StreamSets tables equal the counts computed from the file', async () => {
    const dir = tmp();
    const run = clickstream(['import', STREAMSETS_CSV, '--format', 'streamsets-csv', '--time', TIME, '--data-dir', dir]);
    expect(run.stderr).not.toMatch(/clickstream:/);
    expect(run.stdout).toBe(`imported 18501 events from ${STREAMSETS_CSV}\n`);
    const expected = streamsetsExpected();
    await withData(dir, async (db) => {
      const views = await db.query('SELECT session_id, action, url, views FROM session_action_urls');
      expect(views.map((r) => [`${r.session_id}|${r.action}|${r.url}`, Number(r.views)]).sort()).toEqual([...expected.views].sort());
      expect(sorted(await db.query('SELECT http_status, SUM(events) AS n FROM http_status_daily GROUP BY 1'), 'http_status', 'n')).toEqual(
        [...expected.status].sort(),
      );
      expect(sorted(await db.query('SELECT brand, SUM(events) AS n FROM brands_daily GROUP BY 1'), 'brand', 'n')).toEqual(
        [...expected.brands].sort(),
      );
      expect(sorted(await db.query('SELECT client_ip, COUNT(*) AS n FROM ip_sessions GROUP BY 1'), 'client_ip', 'n')).toEqual(
        [...expected.ipSessions].sort(),
      );
      expect(Number((await db.query('SELECT COUNT(*) AS n FROM events'))[0].n)).toBe(18501);
      reference = await dumpAggregates(db);
    });
  });

  it('Apache combined log: every line, with sessions derived per IP and user agent', async () => {
    const dir = tmp();
    const run = importApache(dir);
    expect(run.stdout).toBe(`imported 10000 events from ${APACHE}\n`);
    const lines = readFileSync(APACHE, 'utf8').trimEnd().split('\n');
    const status = new Map<string, number>();
    for (const l of lines) {
      const code = /" (\d{3}) /.exec(l)![1];
      status.set(code, (status.get(code) ?? 0) + 1);
    }
    await withData(dir, async (db) => {
      expect(Number((await db.query('SELECT SUM(events) AS n FROM traffic_hourly'))[0].n)).toBe(10000);
      expect(sorted(await db.query('SELECT http_status, SUM(events) AS n FROM http_status_daily GROUP BY 1'), 'http_status', 'n')).toEqual(
        [...status].sort(),
      );
      const [first] = await db.query('SELECT MIN(hour) AS first, MAX(hour) AS last FROM traffic_hourly');
      expect([new Date(first.first as string).toISOString(), new Date(first.last as string).toISOString()]).toEqual([
        '2015-05-17T10:00:00.000Z',
        '2015-05-20T21:00:00.000Z',
      ]);
      const [sessions] = await db.query('SELECT COUNT(*) AS n, SUM(events) AS e FROM sessions');
      expect(Number(sessions.e)).toBe(10000);
      expect(Number(sessions.n)).toBeGreaterThan(1000);
      const bots = await db.query("SELECT SUM(events) AS n FROM devices_daily WHERE device_type = 'bot'");
      expect(Number(bots[0].n)).toBeGreaterThan(500);
    });

    // The same file again: nothing is appended, so no count moves and the archive holds each line once.
    const before = await withData(dir, dumpAggregates);
    const archived = archivedLines(join(dir, 'archive')).length;
    expect(archived).toBe(10000);
    const again = importApache(dir);
    expect(again.stdout).toBe(`imported 10000 events from ${APACHE} (all appended by an earlier run)\n`);
    expect(await withData(dir, dumpAggregates)).toEqual(before);
    expect(archivedLines(join(dir, 'archive'))).toHaveLength(archived);
  });

  it('a processor that fails stops the import with its reason, and the same import run again finishes it, counting nothing twice', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'archive'), ''); // a file where the archiver's folder belongs
    const failed = importApache(dir);
    expect(failed.status).toBe(1);
    expect(failed.stderr).toMatch(
      /the archiver failed: .*archive.*; what was read is safe in the log: run the same import again to finish it/,
    );
    rmSync(join(dir, 'archive'));
    const again = importApache(dir);
    expect(again.status).toBe(0);
    // The failure surfaces after the first chunk or at the end, depending on how far the archiver got.
    expect(again.stdout).toMatch(/^imported 10000 events from .+ \((all|5000) appended by an earlier run\)\n$/);
    await withData(dir, async (db) => {
      expect(Number((await db.query('SELECT SUM(events) AS n FROM traffic_hourly'))[0].n)).toBe(10000);
      expect(Number((await db.query('SELECT COUNT(*) AS n FROM events'))[0].n)).toBe(10000);
    });
    expect(archivedLines(join(dir, 'archive'))).toHaveLength(10000);
  });

  it('Snowplow atomic CSV: duplicate event ids are counted once, every event kept', async () => {
    const dir = tmp();
    const run = clickstream(['import', SNOWPLOW, '--format', 'snowplow-csv', '--data-dir', dir]);
    expect(run.stdout).toBe(`imported 160 events from ${SNOWPLOW}\n`);
    const rows = parse(readFileSync(SNOWPLOW, 'utf8'), { columns: true }) as Record<string, string>[];
    const unique = new Map(rows.map((r) => [r.event_id, r]));
    await withData(dir, async (db) => {
      expect(Number((await db.query('SELECT SUM(events) AS n FROM traffic_hourly'))[0].n)).toBe(unique.size);
      expect(Number((await db.query('SELECT SUM(page_views) AS n FROM traffic_hourly'))[0].n)).toBe(
        [...unique.values()].filter((r) => r.event === 'page_view').length,
      );
      const sessions = new Set([...unique.values()].map((r) => r.domain_sessionid || `import:${r.domain_userid}`));
      expect(Number((await db.query('SELECT COUNT(*) AS n FROM sessions'))[0].n)).toBe(sessions.size);
      expect(Number((await db.query('SELECT COUNT(*) AS n FROM events'))[0].n)).toBe(unique.size);
    });
  });

  it('a kill -9 of local mode during an import, then a restart and the same import, ends with the tables of an uninterrupted run', async () => {
    const dir = tmp();
    const port = await freePort();
    let local = await startLocalMode(dir, port);
    const importer = spawn(
      process.execPath,
      [join(ROOT, 'bin/clickstream.js'), 'import', STREAMSETS_CSV, '--format', 'streamsets-csv', '--time', TIME, '--data-dir', dir],
      { cwd: ROOT },
    );
    let stderr = '';
    importer.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const importExit = new Promise<number | null>((resolve) => importer.on('exit', resolve));
    // Kill once the first chunks are in the log but before the import is done.
    for (let i = 0; i < 200; i++) {
      const status = (await (await fetch(`${local.url}/api/status`)).json()) as { consumers: { lag: number }[] };
      if (status.consumers.some((c) => c.lag > 0)) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    local.child.kill('SIGKILL');
    await local.exited;
    expect(await importExit).toBe(1);
    expect(stderr).toMatch(/clickstream: local mode at http:\/\/127\.0\.0\.1:\d+ stopped answering after \d+ events/);

    local = await startLocalMode(dir, port);
    try {
      const again = clickstream(['import', STREAMSETS_CSV, '--format', 'streamsets-csv', '--time', TIME, '--data-dir', dir]);
      // The second run appends only what the first did not get acknowledged.
      expect(again.stdout).toMatch(new RegExp(`^imported 18501 events from ${STREAMSETS_CSV}( \\(\\d+ appended by an earlier run\\))?\n$`));
      await settled(local.url);
    } finally {
      local.child.kill('SIGTERM');
      await local.exited;
    }
    await withData(dir, async (db) => {
      expect(await dumpAggregates(db)).toEqual(reference);
      expect(Number((await db.query('SELECT COUNT(*) AS n FROM events'))[0].n)).toBe(18501);
    });
    // Every event is archived; a repeat is only the one request whose answer the kill cut off (2,000 events at most).
    const ids = archivedLines(join(dir, 'archive', 'events')).map((l) => (JSON.parse(l) as { eventId: string }).eventId);
    expect(new Set(ids).size).toBe(18501);
    expect(ids.length).toBeLessThanOrEqual(18501 + 2000);
  });
});

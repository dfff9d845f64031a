import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import type { ClickEvent } from '../../contract';
import { openData } from '../../local/mode';
import { archivedLines } from '../support/archive';
import { describeBrowser, launchChromium, PERSON_USER_AGENT } from '../support/browser';
import { clickstream, freePort, settled, startLocalMode } from '../support/cli';

function archived(dir: string): ClickEvent[] {
  return archivedLines(join(dir, 'archive', 'events')).map((l) => JSON.parse(l) as ClickEvent);
}

describeBrowser('end to end: a browser on the demo shop against `clickstream start`', () => {
  let browser: Browser;
  const dataDir = mkdtempSync(join(tmpdir(), 'cs-e2e-'));
  afterAll(async () => {
    await browser?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('lands the visit in the warehouse tables, the raw-event store, the archive and `clickstream query`', async () => {
    browser = await launchChromium(PERSON_USER_AGENT);
    const port = await freePort();
    const local = await startLocalMode(dataDir, port);
    try {
      const page = await browser.newPage();
      await page.goto(`${local.url}/?utm_source=newsletter&utm_medium=email&utm_campaign=winter-sale`, {
        referer: 'https://mail.google.com/',
      });
      await page.click('.banner');
      await page.evaluate(() => (document.getElementById('intro') as HTMLVideoElement).play());
      await page.waitForTimeout(300);
      await page.click('a[href="/product/tea-42"]');
      await page.click('#add');
      await page.click('a[href="/cart"]');
      await page.click('#to-checkout'); // SPA navigation to /checkout
      await page.fill('input[name=name]', 'Ada');
      await page.fill('input[name=address]', '1 Tea Street');
      await page.click('#pay');
      await page.waitForSelector('text=Order placed');
      await page.goto(`${local.url}/dashboard`); // leaving the shop flushes the queue
      await page.waitForSelector('#status:has-text("updated")');
      await page.close();

      // Wait until the tracker's last batch (sent when the shop page was left) is in and processed.
      const deadline = Date.now() + 20000;
      let custom: { event_type: string; event_name: string; events: number }[] = [];
      while (Date.now() < deadline) {
        await settled(local.url);
        const q = clickstream(['query', 'custom-events', '--format', 'json', '--data-dir', dataDir]);
        expect(q.status).toBe(0);
        custom = JSON.parse(q.stdout) as typeof custom;
        if (custom.some((c) => c.event_type === 'formSubmit')) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(custom).toEqual(
        expect.arrayContaining([
          { event_type: 'click', event_name: 'banner-click', events: 1 },
          { event_type: 'click', event_name: 'addtocart', events: 1 },
          { event_type: 'click', event_name: 'purchase', events: 1 },
          { event_type: 'formSubmit', event_name: 'checkout', events: 1 },
          { event_type: 'mediaEvent', event_name: 'play', events: 1 },
        ]),
      );
      const pages = JSON.parse(clickstream(['query', 'top-pages', '--format', 'json', '--data-dir', dataDir]).stdout) as {
        path: string;
        views: number;
      }[];
      expect(Object.fromEntries(pages.map((p) => [p.path, Number(p.views)]))).toEqual({
        '/': 1,
        '/product/tea-42': 1,
        '/cart': 1,
        '/checkout': 1,
      });

      const campaign = clickstream(['query', 'campaign-now', '--format', 'csv', '--data-dir', dataDir]);
      expect(campaign.stdout.split('\n')[0]).toBe('source,medium,campaign,sessions,visitors,page_views,bounce_pct');
      expect(campaign.stdout).toContain('newsletter,email,winter-sale,1,1,4,0.0');
      const referrers = JSON.parse(clickstream(['query', 'top-referrers', '--format', 'json', '--data-dir', dataDir]).stdout);
      expect(referrers).toContainEqual({ medium: 'email', referrer: 'mail.google.com', page_views: 1 });
      const table = clickstream(['query', 'brands', '--data-dir', dataDir]);
      expect(table.stdout).toMatch(/^brand\s+│ events │ views │ purchases\n/);
      expect(table.stdout).toMatch(/Leafy\s+│\s+1 │\s+0 │\s+0/);
    } finally {
      local.child.kill('SIGTERM');
      expect(await local.exited).toBe(0);
    }

    // With local mode stopped, the data folder holds the same story in every store.
    const { db, log } = await openData(dataDir);
    try {
      const raw = await db.query('SELECT event_id, event_type, page_path, campaign_name FROM events ORDER BY client_timestamp');
      const [sessions] = await db.query('SELECT COUNT(*) AS n, SUM(page_views) AS pv, MIN(entry_page) AS entry FROM sessions');
      expect(Number(sessions.n)).toBe(1);
      expect(Number(sessions.pv)).toBe(4);
      expect(sessions.entry).toMatch(/\/\?utm_source=newsletter/);
      const inArchive = archived(dataDir);
      expect(new Set(inArchive.map((e) => e.eventId))).toEqual(new Set(raw.map((r) => String(r.event_id).trim())));
      expect(raw.filter((r) => r.event_type === 'pageView').map((r) => r.page_path)).toEqual([
        '/',
        '/product/tea-42',
        '/cart',
        '/checkout',
      ]);
      expect(raw.every((r) => r.campaign_name === 'winter-sale' || r.page_path !== '/')).toBe(true);
    } finally {
      await log.close();
      await db.close();
    }
    const after = clickstream(['query', 'sessions-per-ip', '--format', 'json', '--data-dir', dataDir]);
    expect(JSON.parse(after.stdout)).toEqual([{ client_ip: '127.0.0.0', sessions: 1 }]);
  });
});

describe('clickstream CLI errors', () => {
  it('names the problem and exits non-zero', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cs-cli-'));
    try {
      const unknown = clickstream(['query', 'top-pagez', '--data-dir', dir]);
      expect(unknown.status).toBe(1);
      expect(unknown.stderr).toMatch(/^clickstream: unknown query "top-pagez"; known queries: /);
      const empty = clickstream(['query', 'top-pages', '--data-dir', dir]);
      expect(empty.stderr).toBe(`clickstream: no local data in ${dir}: run "clickstream start" or "clickstream import" first\n`);
      const missing = clickstream(['import', join(dir, 'nope.csv'), '--format', 'streamsets-csv', '--data-dir', dir]);
      expect(missing.stderr).toBe(`clickstream: cannot read ${join(dir, 'nope.csv')}: ENOENT\n`);
      const format = clickstream(['import', join(__dirname, '../../package.json'), '--format', 'apache-combined', '--data-dir', dir]);
      expect(format.status).toBe(1);
      expect(format.stderr).toMatch(/is not an Apache combined log: line 1: not in Apache combined log format/);
      const badFormat = clickstream(['import', 'x', '--format', 'excel', '--data-dir', dir]);
      expect(badFormat.stderr).toMatch(
        /option '--format <format>' argument 'excel' is invalid. Allowed choices are streamsets-csv, apache-combined, snowplow-csv/,
      );
      const since = clickstream(['query', 'top-pages', '--since', 'someday', '--data-dir', dir]);
      expect(since.stderr).toMatch(/--since "someday": use a duration like 30m/);
      // No credentials and no instance metadata: the SDK fails before any network call.
      const noAws = {
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_ACCESS_KEY_ID: '',
        AWS_SECRET_ACCESS_KEY: '',
        AWS_PROFILE: '',
        AWS_CONFIG_FILE: join(dir, 'none'),
        AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'),
      };
      const redshift = clickstream(['query', 'top-pages', '--workgroup', 'wg', '--region', 'eu-west-1'], noAws);
      expect(redshift.status).toBe(1);
      // (Node 20 also prints the AWS SDK's own runtime warning; our error is one line.)
      const ours = redshift.stderr.split('\n').filter((l) => l.startsWith('clickstream:'));
      expect(ours).toEqual([expect.stringMatching(/^clickstream: cannot reach Redshift \(wg\): Could not load credentials/)]);
      expect(readdirSync(dir)).toEqual([]); // nothing half-written
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

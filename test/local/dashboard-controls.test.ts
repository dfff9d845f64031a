/**
 * The dashboard's controls in headless Chromium against local mode: the site filter lists the
 * sites seen and narrows every panel to one, the bots toggle brings bot traffic in, the window
 * picker changes what is counted, and the funnel and retention views show what the analyses say.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { encodeEvent, type ClickEvent } from '../../contract';
import { startLocal, type LocalMode } from '../../local/mode';
import { describeBrowser, launchChromium, waitFor } from '../support/browser';
import { quietLog } from '../support/collector';
import { sampleEvent } from '../support/examples';

const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
let n = 0;
function view(site: string, session: string, path: string, at: string, bot = false): ClickEvent {
  n++;
  return sampleEvent({
    eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    eventType: 'pageView',
    site,
    partyId: `party-${session}`,
    sessionId: session,
    receivedTimestamp: at,
    clientTimestamp: undefined,
    page: { url: `https://${site}.example${path}`, host: `${site}.example`, path },
    device: bot ? { userAgent: 'Googlebot/2.1', type: 'bot', isBot: true } : { userAgent: 'Mozilla/5.0', type: 'desktop', isBot: false },
    campaign: undefined,
  });
}

describeBrowser('dashboard controls', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cs-dash-'));
  let local: LocalMode;
  let browser: Browser;
  let page: Page;
  const rows = (id: string) => page.$$eval(`#${id} tbody tr`, (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
  const recentCount = () => page.$$eval('#recent tbody tr', (trs) => trs.length);

  beforeAll(async () => {
    local = await startLocal({ dataDir, port: 0, log: quietLog });
    const min = 60e3;
    const events = [
      // shop: two sessions reach /cart after a product, one stops at the product; one bot crawls.
      view('shop', 's1', '/', ago(30 * min)),
      view('shop', 's1', '/product/tea', ago(29 * min)),
      view('shop', 's1', '/cart', ago(28 * min)),
      view('shop', 's2', '/', ago(20 * min)),
      view('shop', 's2', '/product/coffee', ago(19 * min)),
      view('shop', 's3', '/product/tea', ago(10 * min)),
      view('shop', 's3', '/cart', ago(9 * min)),
      view('shop', 'bot1', '/', ago(5 * min), true),
      view('shop', 'bot1', '/product/tea', ago(5 * min), true),
      // blog: one visit today, one three days ago (outside the last 24 hours).
      view('blog', 'b1', '/post/1', ago(15 * min)),
      view('blog', 'b2', '/post/2', ago(3 * 86400e3)),
    ];
    await local.log.append('clickstream', events.map(encodeEvent));
    await waitFor(
      async () => local.consumers.map((c) => c.lag()),
      (lags) => lags.every((l) => l === 0),
    );
    browser = await launchChromium();
    page = await browser.newPage();
    await page.goto(`${local.url}/dashboard`);
    await page.waitForSelector('#status:has-text("updated")');
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await local?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists the sites seen and narrows the panels to one', async () => {
    expect(await page.$$eval('#site option', (os) => os.map((o) => o.textContent))).toEqual(['all sites', 'blog', 'shop']);
    await waitFor(recentCount, (c) => c === 8); // people in the last 24 hours: 7 shop + 1 blog
    await page.selectOption('#site', 'blog');
    await waitFor(recentCount, (c) => c === 1);
  });

  it('counts bots only when asked', async () => {
    await page.selectOption('#site', 'shop');
    await waitFor(recentCount, (c) => c === 7);
    await page.check('#bots');
    await waitFor(recentCount, (c) => c === 9);
    await page.uncheck('#bots');
    await waitFor(recentCount, (c) => c === 7);
  });

  it('widens the window with the picker', async () => {
    await page.selectOption('#site', 'blog');
    await page.selectOption('#range', '7d');
    await waitFor(recentCount, (c) => c === 2);
    await page.selectOption('#range', '24h');
    await waitFor(recentCount, (c) => c === 1);
  });

  it('shows the funnel of the steps given, people only', async () => {
    await page.selectOption('#site', 'shop');
    await page.fill('#funnel-steps', '/\n/product/*\n/cart');
    await page.click('#funnel-form button');
    const funnel = await waitFor(
      () => rows('funnel'),
      (r) => r.length === 3 && r[0][2] === '2',
    );
    expect(funnel).toEqual([
      ['1', '/', '2', '100', '100'],
      ['2', '/product/*', '2', '100', '100'],
      ['3', '/cart', '1', '50', '50'],
    ]);
  });

  it('shows retention cohorts by the visitors first day', async () => {
    await page.selectOption('#site', '*');
    await page.selectOption('#range', '7d');
    const grid = await waitFor(
      () => rows('retention'),
      (r) => r.length === 2,
    );
    const today = new Date().toISOString().slice(0, 10);
    expect(grid.map((r) => r[0])).toEqual([new Date(Date.now() - 3 * 86400e3).toISOString().slice(0, 10), today]);
    expect(grid[1][1]).toBe('4 (100%)'); // s1, s2, s3 and b1 are new visitors today
  });
});

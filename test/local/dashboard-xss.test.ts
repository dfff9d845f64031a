import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { startLocal, type LocalMode } from '../../local/mode';
import { describeBrowser, launchChromium, PERSON_USER_AGENT, waitFor } from '../support/browser';
import { quietLog } from '../support/collector';

/** Payloads that run script wherever a value is put into markup or an attribute unescaped. */
const PAYLOADS = [
  '"><img src=x onerror="window.__xss=1">',
  "'><svg onload=window.__xss=2>",
  '<script>window.__xss=3</script>',
  '" onmouseover="window.__xss=4" x="',
  '</td><iframe srcdoc="<script>parent.__xss=5</script>">',
];

describeBrowser('the dashboard with hostile tracked values', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cs-xss-'));
  let local: LocalMode;
  let browser: Browser;
  beforeAll(async () => {
    local = await startLocal({ dataDir, port: 0, log: quietLog });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await local?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('renders event names, paths and campaign values as text, runs no script, and sends a strict CSP', async () => {
    for (const p of PAYLOADS) {
      const url = `https://shop.example.com/${encodeURIComponent(p)}?utm_source=${encodeURIComponent(p)}&utm_campaign=${encodeURIComponent(p)}`;
      const res = await fetch(`${local.url}/p.gif?${new URLSearchParams({ e: 'custom', n: p, url })}`, {
        headers: { 'User-Agent': PERSON_USER_AGENT }, // a person's browser: bots are left out of the dashboard
      });
      expect(res.status).toBe(200);
    }
    await waitFor(
      async () => local.consumers.map((c) => c.lag()),
      (lags) => lags.every((l) => l === 0),
    );

    const page = await browser.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const response = await page.goto(`${local.url}/dashboard`);
    expect(response!.headers()['content-security-policy']).toMatch(/script-src 'self';/);
    await page.waitForFunction((n) => document.querySelectorAll('#recent td').length >= n, PAYLOADS.length);
    await page.hover('#recent table'); // an injected onmouseover would fire now
    await page.waitForTimeout(300);

    const cells = await page.$$eval('#recent td', (tds) => tds.map((td) => [td.textContent, td.getAttribute('title')]));
    for (const p of PAYLOADS) expect(cells).toContainEqual([p, p]); // the event name, as text and as its title
    expect(await page.$$eval('#recent img, #recent svg, #recent script, #recent iframe', (els) => els.length)).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(dialogs).toEqual([]);
  });
});

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { send } from '../../collector/http';
import { TrackerScript } from '../../collector/tracker-script';
import { sampleWav } from '../../local/site/media';
import { buildTracker } from '../../tracker/build';
import { describeBrowser, launchChromium, ofType, waitFor } from '../support/browser';
import { startCollector, type TestCollector } from '../support/collector';
import { Gate } from '../support/gate';

const script = TrackerScript.fromFile(buildTracker());

function testPage(attrs = ''): string {
  return `<!doctype html><html><head><title>Test shop</title>
<script src="${script.versionedPath}" data-collector="" data-ping="1" ${attrs}></script></head><body>
<button id="add" data-track="addtocart" data-track-product="tea-42" data-track-brand="Leafy" data-track-price="12.5" data-track-quantity="2">Add</button>
<a id="out" href="https://partner.example.net/offer">Partner offer</a>
<a id="dl" href="/files/report.pdf">Annual report</a>
<a id="next" href="/other">Next page</a>
<form id="signup" action="/signup" onsubmit="event.preventDefault()"><input name="email" value="secret@example.com"><input name="password" type="password" value="hunter2"><button id="submit">Go</button></form>
<audio id="jingle" src="/media/jingle.wav" preload="auto"></audio>
<div style="height:4000px"></div>
</body></html>`;
}

/** Serves the test pages on the collector's own origin. */
function pages(attrs = '') {
  const wav = sampleWav();
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/shop' || path === '/other') send(res, 200, testPage(attrs), { 'Content-Type': 'text/html' });
    else if (path === '/media/jingle.wav') send(res, 200, wav, { 'Content-Type': 'audio/wav' });
    else if (path === '/files/report.pdf') send(res, 200, '%PDF-1.4', { 'Content-Type': 'application/pdf' });
    else return false;
    return true;
  };
}

describeBrowser('clickstream.js in headless Chromium against the real collector', () => {
  let browser: Browser;
  let c: TestCollector;
  let gate: Gate;
  let page: Page;

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(() => browser.close());

  beforeEach(async () => {
    c = await startCollector({}, (s) => (gate = new Gate(s)), { script, fallback: pages() });
    page = await browser.newPage();
    // No internet here: outbound links must not leave the machine.
    await page.route('https://partner.example.net/**', (route) => route.fulfill({ status: 200, body: 'partner' }));
  });
  afterEach(async () => {
    await page.close();
    await c.stop();
  });

  const events = () => c.events();

  it('sends a page view on load with first-party ids, page and campaign fields', async () => {
    await page.goto(`${c.url}/shop?utm_source=newsletter&utm_medium=email&utm_campaign=winter&gclid=abc`, {
      referer: 'https://www.google.com/',
    });
    const [pv] = ofType(await waitFor(events, (e) => ofType(e, 'pageView').length === 1), 'pageView');
    expect(pv).toMatchObject({
      source: 'tracker',
      partyId: expect.stringMatching(/^0:[a-z0-9]+:[A-Za-z0-9_-]{32}$/),
      sessionId: expect.stringMatching(/^0:[a-z0-9]+:[A-Za-z0-9_-]{32}$/),
      pageViewId: expect.stringMatching(/^0:/),
      page: { path: '/shop', title: 'Test shop', referrer: 'https://www.google.com/', referrerMedium: 'search' },
      campaign: { source: 'newsletter', medium: 'email', name: 'winter', clickId: 'abc', clickIdNetwork: 'Google' },
      // Headless Chromium announces itself: the collector flags it as a bot, as it should.
      device: { browser: 'Chrome Headless', type: 'bot', isBot: true },
      screen: { viewportWidth: 1280, viewportHeight: 720 },
    });
    const cookies = Object.fromEntries((await page.context().cookies()).map((k) => [k.name, k]));
    expect(cookies._csp.value).toBe(pv.partyId);
    expect(cookies._css.value).toBe(pv.sessionId);
    // Asked for two years; Chromium caps cookie lifetimes at 400 days.
    expect(Math.round((cookies._csp.expires - Date.now() / 1000) / 86400)).toBe(395); // the CNIL's 13 months by default
    expect(cookies._css.expires - Date.now() / 1000).toBeLessThanOrEqual(1800);
  });

  it('records SPA navigation as a new page view in the same session', async () => {
    await page.goto(`${c.url}/shop`);
    await waitFor(events, (e) => ofType(e, 'pageView').length === 1);
    await page.evaluate(() => history.pushState({}, '', '/shop/cart'));
    await page.evaluate(() => history.back());
    const views = ofType(await waitFor(events, (e) => ofType(e, 'pageView').length === 3), 'pageView');
    expect(views.map((v) => v.page?.path)).toEqual(['/shop', '/shop/cart', '/shop']);
    expect(new Set(views.map((v) => v.sessionId)).size).toBe(1);
    expect(new Set(views.map((v) => v.pageViewId)).size).toBe(3);
    expect(views[1].page?.referrer).toBe(`${c.url}/shop`);
  });

  it('captures tagged clicks with their declared properties and commerce fields', async () => {
    await page.goto(`${c.url}/shop`);
    await page.click('#add');
    const [click] = ofType(await waitFor(events, (e) => ofType(e, 'click').length === 1), 'click');
    expect(click).toMatchObject({
      eventName: 'addtocart',
      properties: { product: 'tea-42', brand: 'Leafy', price: '12.5', quantity: '2' },
      commerce: { action: 'addtocart', productId: 'tea-42', brand: 'Leafy', price: 12.5, quantity: 2 },
    });
  });

  it('captures downloads, form submits (names only, never values), scroll depth and media', async () => {
    await page.goto(`${c.url}/shop`);
    await page.click('#dl', { modifiers: ['Alt'] }); // Alt-click downloads in Chromium instead of navigating
    await page.click('#submit');
    await page.mouse.wheel(0, 10000);
    await page.evaluate(() => (document.getElementById('jingle') as HTMLAudioElement).play());
    await page.waitForTimeout(300);
    await page.evaluate(() => (document.getElementById('jingle') as HTMLAudioElement).pause());
    const all = await waitFor(
      events,
      (e) =>
        ofType(e, 'download').length === 1 &&
        ofType(e, 'formSubmit').length === 1 &&
        ofType(e, 'scroll').length === 4 &&
        ofType(e, 'mediaEvent').length >= 2,
    );
    expect(ofType(all, 'download')[0].properties).toMatchObject({
      href: `${c.url}/files/report.pdf`,
      extension: 'pdf',
      text: 'Annual report',
    });
    const form = ofType(all, 'formSubmit')[0];
    expect(form).toMatchObject({ eventName: 'signup', properties: { formId: 'signup', fields: ['email', 'password'] } });
    expect(JSON.stringify(form)).not.toMatch(/secret@example\.com|hunter2/);
    expect(ofType(all, 'scroll').map((e) => e.properties?.depth)).toEqual([25, 50, 75, 100]);
    expect(
      ofType(all, 'mediaEvent')
        .map((e) => e.eventName)
        .slice(0, 2),
    ).toEqual(['play', 'pause']);
    expect(ofType(all, 'mediaEvent')[0].properties).toMatchObject({ mediaId: 'jingle', duration: 1 });
  });

  it('sends engaged-time pings while the visitor is active', async () => {
    await page.goto(`${c.url}/shop`);
    for (let i = 0; i < 4; i++) {
      await page.mouse.move(100 + i * 10, 100);
      await page.waitForTimeout(500);
    }
    const [ping] = ofType(await waitFor(events, (e) => ofType(e, 'pagePing').length >= 1), 'pagePing');
    expect(ping.properties).toEqual({ engagedSeconds: 1 });
  });

  it('delivers an outbound click queued just before the page goes away', async () => {
    await page.goto(`${c.url}/shop`);
    await waitFor(events, (e) => ofType(e, 'pageView').length === 1);
    await Promise.all([page.waitForURL('https://partner.example.net/offer'), page.click('#out')]);
    const [link] = ofType(await waitFor(events, (e) => ofType(e, 'linkClick').length === 1), 'linkClick');
    expect(link.properties).toEqual({ href: 'https://partner.example.net/offer', text: 'Partner offer' });
  });

  it('flushes on page hide: a signal right before navigating arrives', async () => {
    await page.goto(`${c.url}/shop`);
    await waitFor(events, (e) => ofType(e, 'pageView').length === 1);
    await page.evaluate(() => {
      (window as unknown as { clickstream: { signal(n: string, p: object): void } }).clickstream.signal('leaving', { step: 1 });
      location.href = '/other';
    });
    const all = await waitFor(events, (e) => ofType(e, 'custom', 'leaving').length >= 1 && ofType(e, 'pageView').length === 2);
    const leaving = ofType(all, 'custom', 'leaving');
    expect(leaving[0].properties).toEqual({ step: 1 });
    // The unload request's answer is never seen, so the next page may send the event again:
    // at least once, always with the same event id, which the aggregator counts once.
    expect(new Set(leaving.map((e) => e.eventId)).size).toBe(1);
  });

  it('retries after the collector answered 503 and delivers each event once', async () => {
    await page.goto(`${c.url}/shop`);
    await waitFor(events, (e) => ofType(e, 'pageView').length === 1);
    gate.mode = 'fail';
    const statuses: number[] = [];
    page.on('response', (r) => r.url().endsWith('/collect') && statuses.push(r.status()));
    await page.evaluate(() => (window as unknown as { clickstream: { signal(n: string): void } }).clickstream.signal('during-outage'));
    await waitFor(
      async () => statuses,
      (s) => s.includes(503),
    );
    gate.open();
    const all = await waitFor(events, (e) => ofType(e, 'custom', 'during-outage').length === 1, 15000);
    expect(statuses.filter((s) => s === 503).length).toBeGreaterThanOrEqual(1);
    await page.waitForTimeout(1500);
    expect(ofType(await events(), 'custom', 'during-outage')).toHaveLength(1);
    expect(ofType(all, 'pageView')).toHaveLength(1);
  });

  it('sends nothing after opt-out, not even on the next page', async () => {
    await page.goto(`${c.url}/shop`);
    await waitFor(events, (e) => ofType(e, 'pageView').length === 1);
    await page.evaluate(() => {
      const cs = (window as unknown as { clickstream: { optOut(): void; signal(n: string): void } }).clickstream;
      cs.optOut();
      cs.signal('after-opt-out');
    });
    await page.goto(`${c.url}/other`);
    await page.click('#add');
    await page.waitForTimeout(1000);
    const all = await events();
    expect(all).toHaveLength(1);
    expect(all[0].eventType).toBe('pageView');
  });

  it('identifies the user on every following event', async () => {
    await page.goto(`${c.url}/shop`);
    await page.evaluate(() => {
      const cs = (window as unknown as { clickstream: { identify(id: string): void; signal(n: string): void } }).clickstream;
      cs.identify('user-42');
      cs.signal('after-login');
    });
    const [e] = ofType(await waitFor(events, (x) => ofType(x, 'custom', 'after-login').length === 1), 'custom', 'after-login');
    expect(e.userId).toBe('user-42');
  });
});

describeBrowser('privacy signals', () => {
  it('sends nothing when the site respects Global Privacy Control and the browser sends it', async () => {
    const browser = await launchChromium();
    const c = await startCollector({}, undefined, { script, fallback: pages('data-respect-dnt="true"') });
    try {
      const page = await browser.newPage();
      await page.addInitScript(() => Object.defineProperty(navigator, 'globalPrivacyControl', { value: true }));
      await page.goto(`${c.url}/shop`);
      await page.click('#add');
      await page.waitForTimeout(1000);
      expect(await c.events()).toEqual([]);
    } finally {
      await browser.close();
      await c.stop();
    }
  });
});

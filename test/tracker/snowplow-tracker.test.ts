import { buildSync } from 'esbuild';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Browser } from 'playwright-core';
import { send } from '../../collector/http';
import { describeBrowser, launchChromium, ofType, waitFor } from '../support/browser';
import { startCollector, type TestCollector } from '../support/collector';

/** The real @snowplow/browser-tracker from npm, bundled for a test page. */
const bundle = buildSync({
  stdin: {
    contents: `
      import { newTracker, trackPageView, trackStructEvent, trackSelfDescribingEvent } from '@snowplow/browser-tracker';
      const method = new URLSearchParams(location.search).get('method');
      newTracker('sp', location.origin, { appId: 'shop', eventMethod: method, bufferSize: 1, encodeBase64: method === 'get' });
      trackPageView({ title: 'Snowplow page' });
      trackStructEvent({ category: 'media', action: 'play-video', label: 'intro', value: 2 });
      trackSelfDescribingEvent({ event: { schema: 'iglu:com.acme/checkout_step/jsonschema/1-0-0', data: { step: 2, option: 'express' } } });
    `,
    resolveDir: __dirname,
    loader: 'ts',
  },
  bundle: true,
  format: 'iife',
  platform: 'browser',
  write: false,
}).outputFiles[0].text;

function pages(req: IncomingMessage, res: ServerResponse): boolean {
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/sp.html')
    send(res, 200, '<!doctype html><html><head><title>Snowplow page</title><script src="/sp.js"></script></head><body>shop</body></html>', {
      'Content-Type': 'text/html',
    });
  else if (path === '/sp.js') send(res, 200, bundle, { 'Content-Type': 'application/javascript' });
  else return false;
  return true;
}

describeBrowser('an unmodified Snowplow browser tracker pointed at our collector', () => {
  let browser: Browser;
  let c: TestCollector;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(() => browser.close());
  beforeEach(async () => {
    c = await startCollector({}, undefined, { fallback: pages });
  });
  afterEach(() => c.stop());

  it.each(['post', 'get'])('delivers page views, structured and self-describing events over %s', async (method) => {
    const page = await browser.newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(`${r.method()} ${new URL(r.url()).pathname}`));
    await page.goto(`${c.url}/sp.html?method=${method}&utm_source=ads&utm_campaign=spring`);
    const all = await waitFor(
      () => c.events(),
      (e) => e.length === 3,
    );
    await page.close();

    expect(requests).toContain(method === 'post' ? 'POST /com.snowplowanalytics.snowplow/tp2' : 'GET /i');
    const [pv] = ofType(all, 'pageView');
    expect(pv).toMatchObject({
      source: 'snowplow',
      partyId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      sessionId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      pageViewId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      page: { title: 'Snowplow page', path: '/sp.html' },
      campaign: { source: 'ads', name: 'spring' },
      site: 'shop',
    });
    expect(ofType(all, 'structured')[0]).toMatchObject({
      eventName: 'play-video',
      properties: { category: 'media', action: 'play-video', label: 'intro', value: 2 },
    });
    expect(ofType(all, 'selfDescribing')[0]).toMatchObject({
      eventName: 'iglu:com.acme/checkout_step/jsonschema/1-0-0',
      properties: { step: 2, option: 'express' },
    });
    expect(new Set(all.map((e) => e.sessionId)).size).toBe(1);
    expect(new Set(all.map((e) => e.pageViewId)).size).toBe(1);
    expect(await c.bad()).toEqual([]);
  });
});

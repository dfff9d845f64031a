/**
 * More sources through the Snowplow protocol, end to end into local mode: the unmodified
 * Snowplow Node.js tracker (server-side events), and screen views and self-describing events
 * in the payload format Snowplow's mobile trackers send (a tp2 POST with a client_session entity
 * in place of cookies), counted in the queries.
 */
import { buildPageView, buildScreenView, buildSelfDescribingEvent, buildStructEvent, newTracker } from '@snowplow/node-tracker';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocal, type LocalMode } from '../../local/mode';
import { renderQuery } from '../../warehouse/named-queries';
import { waitFor } from '../support/browser';
import { quietLog } from '../support/collector';

const settle = (local: LocalMode) =>
  waitFor(
    async () => local.consumers.map((c) => c.lag()),
    (lags) => lags.every((l) => l === 0),
  );

describe('Snowplow sources beyond the browser', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cs-sp-node-'));
  let local: LocalMode;
  beforeAll(async () => {
    local = await startLocal({ dataDir, port: 0, log: quietLog });
  });
  afterAll(async () => {
    await local.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('takes server-side events from the Snowplow Node.js tracker', async () => {
    const { hostname, port } = new URL(local.url);
    const failures: unknown[] = [];
    const tracker = newTracker(
      { namespace: 'server', appId: 'billing', encodeBase64: true },
      {
        endpoint: hostname,
        port: Number(port),
        protocol: 'http',
        eventMethod: 'post',
        bufferSize: 1,
        onRequestFailure: (f) => failures.push(f),
      },
    );
    tracker.setDomainUserId('0f6e4c2a-1b3d-4e5f-8a9b-0c1d2e3f4a5b');
    tracker.setSessionId('9a8b7c6d-5e4f-4321-8fed-cba987654321');
    tracker.setUserId('customer-42');
    tracker.track(buildPageView({ pageUrl: 'https://billing.example.com/invoices/7', pageTitle: 'Invoice 7' }));
    tracker.track(buildStructEvent({ category: 'billing', action: 'invoice-paid', label: 'card', value: 49.5 }));
    tracker.track(buildSelfDescribingEvent({ event: { schema: 'iglu:com.acme/refund/jsonschema/1-0-0', data: { amount: 12 } } }));
    tracker.track(buildScreenView({ name: 'Invoices', id: randomUUID() })); // the older screen_view schema
    await tracker.flush();
    expect(failures).toEqual([]);
    await settle(local);
    const rows = await local.db.query(
      "SELECT event_type, event_name, party_id, session_id, user_id, site, page_path FROM events WHERE site = 'billing' ORDER BY event_type",
    );
    expect(rows).toEqual([
      expect.objectContaining({
        event_type: 'pageView',
        page_path: '/invoices/7',
        user_id: 'customer-42',
        party_id: '0f6e4c2a-1b3d-4e5f-8a9b-0c1d2e3f4a5b',
      }),
      expect.objectContaining({ event_type: 'screenView', event_name: 'Invoices' }),
      expect.objectContaining({ event_type: 'selfDescribing', event_name: 'iglu:com.acme/refund/jsonschema/1-0-0' }),
      expect.objectContaining({ event_type: 'structured', event_name: 'invoice-paid', session_id: '9a8b7c6d-5e4f-4321-8fed-cba987654321' }),
    ]);
    const users = await local.db.query(renderQuery('users', { since: '1h', site: 'billing', includeBots: true }));
    expect(Number(users[0].users)).toBe(1);
  });

  it('takes screen views and self-describing events as the mobile trackers send them, one visitor and session per app install', async () => {
    const userId = randomUUID();
    const sessionId = randomUUID();
    const session = {
      schema: 'iglu:com.snowplowanalytics.snowplow/client_session/jsonschema/1-0-2',
      data: { userId, sessionId, sessionIndex: 3, previousSessionId: null, storageMechanism: 'LOCAL_STORAGE', firstEventId: randomUUID() },
    };
    const mobile = {
      schema: 'iglu:com.snowplowanalytics.snowplow/mobile_context/jsonschema/1-0-3',
      data: { osType: 'ios', osVersion: '18.1', deviceManufacturer: 'Apple', deviceModel: 'iPhone16,1' },
    };
    const event = (unstruct: object, i: number) => ({
      e: 'ue',
      eid: randomUUID(),
      tv: 'ios-6.0.0',
      tna: 'appTracker',
      aid: 'shop-ios',
      p: 'mob',
      dtm: String(Date.now() - 1000 + i),
      stm: String(Date.now()),
      lang: 'en-GB',
      res: '1179x2556',
      ue_pr: JSON.stringify({ schema: 'iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0', data: unstruct }),
      co: JSON.stringify({ schema: 'iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1', data: [session, mobile] }),
    });
    const screen = (name: string, previousName?: string) => ({
      schema: 'iglu:com.snowplowanalytics.mobile/screen_view/jsonschema/1-0-0',
      data: { name, id: randomUUID(), type: 'Default', ...(previousName ? { previousName, transitionType: 'push' } : {}) },
    });
    const payload = {
      schema: 'iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4',
      data: [
        event(screen('Home'), 0),
        event(screen('Product', 'Home'), 1),
        event(screen('Cart', 'Product'), 2),
        event(screen('Product', 'Cart'), 3),
        event({ schema: 'iglu:com.acme/add_to_cart/jsonschema/1-0-0', data: { sku: 'tea-42', quantity: 2 } }, 4),
      ],
    };
    // Native HTTP clients send their own user agent and no cookies.
    const res = await fetch(`${local.url}/com.snowplowanalytics.snowplow/tp2`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json; charset=utf-8', 'User-Agent': 'ShopApp/3.2 CFNetwork/1568.100.1 Darwin/24.0.0' },
      body: JSON.stringify(payload),
    });
    expect(res.status).toBe(200);
    await settle(local);

    const rows = await local.db.query("SELECT event_type, event_name, party_id, session_id FROM events WHERE site = 'shop-ios'");
    expect(new Set(rows.map((r) => `${r.party_id}|${r.session_id}`))).toEqual(new Set([`${userId}|${sessionId}`]));
    expect(
      rows
        .filter((r) => r.event_type === 'screenView')
        .map((r) => r.event_name)
        .sort(),
    ).toEqual(['Cart', 'Home', 'Product', 'Product']);
    const screens = await local.db.query(renderQuery('top-screens', { since: '1h', site: 'shop-ios' }));
    expect(screens.map((r) => [r.screen, Number(r.views)])).toEqual(
      [
        ['Product', 2],
        ['Cart', 1],
        ['Home', 1],
      ].sort((a, b) => Number(b[1]) - Number(a[1]) || String(a[0]).localeCompare(String(b[0]))),
    );
    const custom = await local.db.query(renderQuery('custom-events', { since: '1h', site: 'shop-ios' }));
    expect(custom).toContainEqual({ event_type: 'selfDescribing', event_name: 'iglu:com.acme/add_to_cart/jsonschema/1-0-0', events: 1 });
    const [sessions] = await local.db.query("SELECT COUNT(*) AS n FROM sessions WHERE site = 'shop-ios'");
    expect(Number(sessions.n)).toBe(1);
  });
});

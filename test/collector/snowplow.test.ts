import { startCollector, type TestCollector } from '../support/collector';

const TP2 = '/com.snowplowanalytics.snowplow/tp2';
const PAYLOAD_DATA = 'iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4';
const PAGE_VIEW_ID = 'a86c42e5-b831-45c8-b706-e214c26b4b3d';
const webPageContexts = {
  schema: 'iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0',
  data: [
    { schema: 'iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0', data: { id: PAGE_VIEW_ID } },
    { schema: 'iglu:com.acme/user_tier/jsonschema/1-0-0', data: { tier: 'gold' } },
  ],
};
const unstruct = {
  schema: 'iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0',
  data: { schema: 'iglu:com.acme/checkout_step/jsonschema/1-0-0', data: { step: 2, option: 'express' } },
};

/** Fields a @snowplow/browser-tracker v4 page view carries (tracker protocol docs). */
function pageView(extra: Record<string, string> = {}): Record<string, string> {
  return {
    e: 'pv',
    eid: crypto.randomUUID(),
    tv: 'js-4.10.1',
    tna: 'sp',
    aid: 'shop',
    p: 'web',
    url: 'https://shop.example.com/tea?utm_campaign=winter&utm_source=ads',
    page: 'Tea',
    refr: 'https://t.co/abc',
    duid: '5f4f8f36-2c4d-4a8f-9e0a-0c1c64d5e1e2',
    sid: '9b2a6f16-3d8c-4b5e-8a31-3f6e7c1d2b4a',
    vid: '3',
    dtm: '1763806530120',
    stm: '1763806530450',
    tz: 'Europe/Berlin',
    lang: 'de-DE',
    res: '1920x1080',
    vp: '1280x720',
    cs: 'UTF-8',
    ...extra,
  };
}

const base64url = (s: string, padded: boolean) => {
  const b = Buffer.from(s).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
  return padded ? b : b.replace(/=+$/, '');
};

describe('Snowplow tracker protocol', () => {
  let c: TestCollector;
  beforeEach(async () => {
    c = await startCollector();
  });
  afterEach(() => c.stop());

  it('POST tp2 with raw JSON contexts and a self-describing event', async () => {
    const res = await fetch(`${c.url}${TP2}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json; charset=UTF-8', Origin: 'https://shop.example.com' },
      body: JSON.stringify({
        schema: PAYLOAD_DATA,
        data: [
          pageView({ co: JSON.stringify(webPageContexts) }),
          pageView({ e: 'ue', ue_pr: JSON.stringify(unstruct), co: JSON.stringify(webPageContexts) }),
          pageView({ e: 'se', se_ca: 'media', se_ac: 'play-video', se_la: 'intro', se_va: '1.5' }),
        ],
      }),
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok');
    expect(res.headers.get('access-control-allow-origin')).toBe('https://shop.example.com');
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(res.headers.getSetCookie()[0]).toMatch(/^sp=[0-9a-f-]{36}; Path=\/; Max-Age=31536000; HttpOnly/);

    const events = await c.events();
    const pv = events.find((e) => e.eventType === 'pageView')!;
    expect(pv).toMatchObject({
      source: 'snowplow',
      partyId: '5f4f8f36-2c4d-4a8f-9e0a-0c1c64d5e1e2',
      sessionId: '9b2a6f16-3d8c-4b5e-8a31-3f6e7c1d2b4a',
      pageViewId: PAGE_VIEW_ID,
      clientTimestamp: new Date(1763806530120).toISOString(),
      sentTimestamp: new Date(1763806530450).toISOString(),
      page: {
        url: 'https://shop.example.com/tea?utm_campaign=winter&utm_source=ads',
        title: 'Tea',
        referrerHost: 't.co',
        referrerMedium: 'social',
      },
      campaign: { name: 'winter', source: 'ads' },
      screen: { width: 1920, height: 1080, viewportWidth: 1280, viewportHeight: 720 },
      locale: { language: 'de-DE', timeZone: 'Europe/Berlin' },
      site: 'shop',
      properties: { contexts: [webPageContexts.data[1]] },
    });
    expect(events.find((e) => e.eventType === 'selfDescribing')).toMatchObject({
      eventName: 'iglu:com.acme/checkout_step/jsonschema/1-0-0',
      properties: { step: 2, option: 'express' },
    });
    expect(events.find((e) => e.eventType === 'structured')).toMatchObject({
      eventName: 'play-video',
      properties: { category: 'media', action: 'play-video', label: 'intro', value: 1.5 },
    });
  });

  it.each([
    ['padded', true],
    ['unpadded', false],
  ])('GET /i with base64url contexts and event (%s)', async (_name, padded) => {
    const params = new URLSearchParams(
      pageView({ e: 'ue', cx: base64url(JSON.stringify(webPageContexts), padded), ue_px: base64url(JSON.stringify(unstruct), padded) }),
    );
    const res = await fetch(`${c.url}/i?${params}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/gif');
    const [event] = await c.events();
    expect(event).toMatchObject({ eventType: 'selfDescribing', pageViewId: PAGE_VIEW_ID, properties: { step: 2 } });
  });

  it('HEAD /i answers like GET without a body', async () => {
    const res = await fetch(`${c.url}/i?${new URLSearchParams(pageView())}`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe('43');
  });

  it('maps transactions and their items onto commerce fields', async () => {
    await fetch(`${c.url}${TP2}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        schema: PAYLOAD_DATA,
        data: [
          pageView({ e: 'tr', tr_id: 'order-1', tr_tt: '37.5', tr_cu: 'EUR', tr_tx: '6' }),
          pageView({
            e: 'ti',
            ti_id: 'order-1',
            ti_sk: 'tea-42',
            ti_nm: 'Green tea',
            ti_ca: 'tea',
            ti_pr: '12.5',
            ti_qu: '3',
            ti_cu: 'EUR',
          }),
        ],
      }),
    });
    const events = await c.events();
    expect(events.find((e) => e.eventType === 'transaction')?.commerce).toEqual({
      action: 'purchase',
      orderId: 'order-1',
      price: 37.5,
      currency: 'EUR',
    });
    expect(events.find((e) => e.eventType === 'transactionItem')?.commerce).toEqual({
      action: 'purchase',
      orderId: 'order-1',
      productId: 'tea-42',
      category: 'tea',
      quantity: 3,
      price: 12.5,
      currency: 'EUR',
    });
  });

  it('keeps the sp cookie across requests and uses it when the tracker sends no duid', async () => {
    const first = await fetch(`${c.url}/i?${new URLSearchParams(pageView({ duid: '' }))}`);
    const sp = first.headers
      .getSetCookie()
      .find((s) => s.startsWith('sp='))!
      .split(';')[0];
    await fetch(`${c.url}/i?${new URLSearchParams(pageView({ duid: '' }))}`, { headers: { Cookie: sp } });
    const [a, b] = await c.events();
    expect(a.partyId).toBe(sp.slice(3));
    expect(b.partyId).toBe(sp.slice(3));
  });

  it('honours SP-Anonymous: no IP, no cookie, the existing sp cookie expired', async () => {
    const res = await fetch(`${c.url}/i?${new URLSearchParams(pageView({ duid: '', sid: '' }))}`, {
      headers: { 'SP-Anonymous': '*', Cookie: 'sp=5f4f8f36-2c4d-4a8f-9e0a-0c1c64d5e1e2', 'X-Forwarded-For': '81.2.69.160' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.getSetCookie()).toEqual([expect.stringMatching(/^sp=; Path=\/; Max-Age=0/)]);
    const [event] = await c.events();
    expect(event.partyId).toBe('00000000-0000-0000-0000-000000000000');
    expect(event.network).toBeUndefined();
  });

  describe('bad input', () => {
    const post = (body: string) => fetch(`${c.url}${TP2}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });

    it.each([
      ['not JSON', '{"schema":', /^body is not valid JSON/],
      [
        'wrong envelope schema',
        JSON.stringify({ schema: 'iglu:com.acme/x/jsonschema/1-0-0', data: [{}] }),
        /^schema: must be iglu:com\.snowplowanalytics\.snowplow\/payload_data/,
      ],
      ['empty data', JSON.stringify({ schema: PAYLOAD_DATA, data: [] }), /^data: must be a non-empty array/],
      ['non-string value', JSON.stringify({ schema: PAYLOAD_DATA, data: [{ e: 'pv', tv: 1 }] }), /^data\[0\]\.tv: must be a string/],
    ])('%s → 400 with the reason, kept on the bad stream', async (_name, body, reason) => {
      const res = await post(body);
      expect(res.status).toBe(400);
      expect(await res.text()).toMatch(reason);
      const [row] = await c.bad();
      expect(row).toMatchObject({ failureType: 'protocol_violation', origin: `collector:${TP2}`, payload: body });
    });

    it.each([
      ['missing e', { e: '' }, 'e: is required'],
      ['unknown e', { e: 'zz' }, 'e: must be one of pv, pp, se, ue, tr, ti'],
      ['bad base64 in cx', { cx: '%%%' }, 'cx: is not base64'],
      ['structured event without action', { e: 'se', se_ca: 'media' }, 'se_ca and se_ac: are required for structured events'],
      ['event id that is not a UUID', { eid: 'nope' }, 'eventId: must be a valid uuid'],
    ])('%s → the event is rejected with a reason', async (_name, extra, reason) => {
      const res = await post(JSON.stringify({ schema: PAYLOAD_DATA, data: [pageView(extra)] }));
      expect(res.status).toBe(400);
      expect((await res.json()).rejected).toEqual([{ index: 0, reason }]);
      expect((await c.bad())[0].reason).toBe(reason);
    });

    it('GET /i without a query string → 400', async () => {
      const res = await fetch(`${c.url}/i`);
      expect(res.status).toBe(400);
      expect(await res.text()).toMatch(/query string is empty/);
    });
  });
});

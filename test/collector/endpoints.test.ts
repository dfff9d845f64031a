import { partitionFor } from '../../contract';
import { readFileSync } from 'node:fs';
import { GIF } from '../../collector/http';
import { TrackerScript } from '../../collector/tracker-script';
import { buildTracker } from '../../tracker/build';
import { startCollector, trackerEvent, type TestCollector } from '../support/collector';

const CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

describe('collector endpoints over loopback HTTP', () => {
  let c: TestCollector;
  beforeEach(async () => {
    c = await startCollector({ TRUSTED_PROXIES: '1' });
  });
  afterEach(() => c.stop());

  describe('POST /collect (JSON batch)', () => {
    it('accepts a text/plain beacon body and stores enriched events only after they are durable', async () => {
      const events = [trackerEvent(), trackerEvent({ eventType: 'custom', eventName: 'bannerClick', properties: { text: 'Sale' } })];
      const res = await fetch(`${c.url}/collect`, {
        method: 'POST',
        headers: { 'Content-Type': 'text/plain;charset=UTF-8', 'User-Agent': CHROME, 'X-Forwarded-For': '10.0.0.1, 81.2.69.160' },
        body: JSON.stringify({ events }),
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ accepted: 2, rejected: [] });

      const stored = await c.events();
      expect(stored.map((e) => e.eventId).sort()).toEqual(events.map((e) => e.eventId).sort());
      const pv = stored.find((e) => e.eventType === 'pageView')!;
      expect(pv).toMatchObject({
        schemaVersion: '1.0.0',
        source: 'tracker',
        page: { host: 'shop.example.com', path: '/tea', referrerHost: 'www.google.de', referrerMedium: 'search' },
        campaign: { source: 'newsletter', medium: 'email', name: 'winter', clickId: 'abc', clickIdNetwork: 'Google' },
        device: { browser: 'Chrome', os: 'Linux', type: 'desktop', isBot: false },
        network: { ip: '81.2.69.0', country: 'GB' },
      });
      expect(Date.parse(pv.receivedTimestamp)).toBeGreaterThan(Date.now() - 60_000);
    });

    it('puts all events of a session on the partition its key hashes to', async () => {
      const sessions = ['s-a', 's-b', 's-c', 's-d', 's-e', 's-f'];
      const events = sessions.map((sessionId) => trackerEvent({ sessionId }));
      await fetch(`${c.url}/collect`, { method: 'POST', body: JSON.stringify(events) });
      for (let p = 0; p < 3; p++) {
        for (const r of await c.log.read('clickstream', p, 0, 100)) {
          expect(partitionFor(r.key, 3)).toBe(p);
          expect(JSON.parse(r.value.toString()).sessionId).toBe(r.key.toString());
        }
      }
    });

    it('ignores server-owned fields a client tries to set', async () => {
      const forged = trackerEvent({
        source: 'import',
        receivedTimestamp: '2000-01-01T00:00:00.000Z',
        network: { ip: '1.2.3.4', country: 'US' },
      });
      await fetch(`${c.url}/collect`, { method: 'POST', body: JSON.stringify([forged]), headers: { 'X-Forwarded-For': '81.2.69.160' } });
      const [stored] = await c.events();
      expect(stored.source).toBe('tracker');
      expect(stored.receivedTimestamp).not.toBe('2000-01-01T00:00:00.000Z');
      expect(stored.network).toEqual({ ip: '81.2.69.0', country: 'GB' });
    });

    it('stores the valid events of a mixed batch and sends the invalid ones to the bad stream with the reason', async () => {
      const bad = trackerEvent({ eventType: 'pageview' });
      const res = await fetch(`${c.url}/collect`, { method: 'POST', body: JSON.stringify([trackerEvent(), bad]) });
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body.accepted).toBe(1);
      expect(body.rejected).toEqual([{ index: 1, reason: expect.stringMatching(/^eventType: must be one of pageView/) }]);
      expect(await c.events()).toHaveLength(1);
      const [row] = await c.bad();
      expect(row).toMatchObject({ failureType: 'schema_violation', origin: 'collector:/collect', truncated: false });
      expect(JSON.parse(row.payload)).toEqual(bad);
    });

    it('answers 400 when no event is valid', async () => {
      const res = await fetch(`${c.url}/collect`, { method: 'POST', body: JSON.stringify([{ eventType: 'pageView' }]) });
      expect(res.status).toBe(400);
      expect((await res.json()).rejected[0].reason).toBe('partyId: is required');
    });

    it('refuses a body that is not JSON with 400 and keeps it on the bad stream', async () => {
      const res = await fetch(`${c.url}/collect`, { method: 'POST', body: '{"events": [' });
      expect(res.status).toBe(400);
      expect(await res.text()).toMatch(/^body is not valid JSON/);
      const [row] = await c.bad();
      expect(row).toMatchObject({ failureType: 'protocol_violation', payload: '{"events": [' });
    });

    it('refuses a body over the size limit with 413', async () => {
      const res = await fetch(`${c.url}/collect`, { method: 'POST', body: 'x'.repeat(c.config.maxBodyBytes + 1) });
      expect(res.status).toBe(413);
      expect(await res.text()).toBe(`body is ${c.config.maxBodyBytes + 1} bytes, over the limit of ${c.config.maxBodyBytes}\n`);
      expect((await c.bad())[0].failureType).toBe('size_violation');
    });

    it('refuses a batch over the length limit with 413', async () => {
      const events = Array.from({ length: c.config.maxBatchEvents + 1 }, () => ({}));
      const res = await fetch(`${c.url}/collect`, { method: 'POST', body: JSON.stringify(events) });
      expect(res.status).toBe(413);
      expect(await res.text()).toBe(`batch has ${c.config.maxBatchEvents + 1} events, over the limit of ${c.config.maxBatchEvents}\n`);
    });

    it('refuses oversize headers with 431 and a reason', async () => {
      const res = await fetch(`${c.url}/collect`, {
        method: 'POST',
        headers: { 'X-Big': 'y'.repeat(c.config.maxHeaderBytes) },
        body: '[]',
      });
      expect(res.status).toBe(431);
      expect(await res.text()).toBe(`request headers exceed ${c.config.maxHeaderBytes} bytes\n`);
    });

    it('rejects a field over its length limit, naming it', async () => {
      const res = await fetch(`${c.url}/collect`, { method: 'POST', body: JSON.stringify([trackerEvent({ userId: 'u'.repeat(300) })]) });
      expect(res.status).toBe(400);
      expect((await res.json()).rejected[0].reason).toBe('userId: is longer than 256 characters');
    });

    it('rejects fields outside the contract by name, at the top level and in the page', async () => {
      const page = { url: 'https://shop.example.com/tea', section: 'teas' };
      const res = await fetch(`${c.url}/collect`, {
        method: 'POST',
        body: JSON.stringify([trackerEvent({ pageUrl: 'https://shop.example.com/' }), trackerEvent({ page })]),
      });
      expect(res.status).toBe(400);
      expect((await res.json()).rejected).toEqual([
        { index: 0, reason: 'pageUrl: is not a field of the event contract' },
        { index: 1, reason: 'page.section: is not a field of the event contract' },
      ]);
    });
  });

  describe('GET /p.gif (pixel)', () => {
    it('answers a 1x1 GIF, sets party and session cookies, and reuses them on the next hit', async () => {
      const first = await fetch(`${c.url}/p.gif?e=pageView&url=${encodeURIComponent('https://shop.example.com/a')}&t=A`);
      expect(first.status).toBe(200);
      expect(first.headers.get('content-type')).toBe('image/gif');
      expect(Buffer.from(await first.arrayBuffer())).toEqual(GIF);
      const cookies = first.headers.getSetCookie();
      expect(cookies).toEqual([
        expect.stringMatching(/^cs_pid=0:[a-z0-9]+:[A-Za-z0-9_-]{32}; Path=\/; Max-Age=34128000; HttpOnly; SameSite=Lax$/), // 395 days: the CNIL's 13 months
        expect.stringMatching(/^cs_sid=0:[a-z0-9]+:[A-Za-z0-9_-]{32}; Path=\/; Max-Age=1800; HttpOnly; SameSite=Lax$/),
      ]);
      const jar = cookies.map((s) => s.split(';')[0]).join('; ');
      await fetch(`${c.url}/p.gif?e=custom&n=signup&url=${encodeURIComponent('https://shop.example.com/b')}`, { headers: { Cookie: jar } });
      const [a, b] = (await c.events()).sort((x, y) => x.receivedTimestamp.localeCompare(y.receivedTimestamp));
      expect(a.source).toBe('pixel');
      expect(b.partyId).toBe(a.partyId);
      expect(b.sessionId).toBe(a.sessionId);
      expect(b).toMatchObject({ eventType: 'custom', eventName: 'signup', page: { path: '/b' } });
    });

    it('gives the party cookie the lifetime PARTY_COOKIE_DAYS sets, and refuses one out of range', async () => {
      const divolte = await startCollector({ PARTY_COOKIE_DAYS: '730' });
      try {
        const res = await fetch(`${divolte.url}/p.gif?url=https://a.example/`);
        expect(res.headers.getSetCookie()[0]).toMatch(/; Max-Age=63072000;/);
      } finally {
        await divolte.stop();
      }
      await expect(startCollector({ PARTY_COOKIE_DAYS: '731' })).rejects.toThrow(/PARTY_COOKIE_DAYS/);
    });

    it('keeps ids a pixel carries and sets the cookies to them', async () => {
      const res = await fetch(`${c.url}/p.gif?e=pageView&url=https://a.example/&pid=0:site:visitor1&sid=0:site:session1`);
      expect(res.headers.getSetCookie().map((v) => v.split(';')[0])).toEqual(['cs_pid=0:site:visitor1', 'cs_sid=0:site:session1']);
      expect(await c.events()).toMatchObject([{ partyId: '0:site:visitor1', sessionId: '0:site:session1' }]);
    });

    it('takes the page from the Referer header for a <noscript> image without parameters', async () => {
      const res = await fetch(`${c.url}/p.gif`, { headers: { Referer: 'https://shop.example.com/no-js?utm_source=print' } });
      expect(res.status).toBe(200);
      const [event] = await c.events();
      expect(event).toMatchObject({ eventType: 'pageView', page: { path: '/no-js' }, campaign: { source: 'print' } });
    });

    it('answers 400 with a reason for an unknown event type and keeps it on the bad stream', async () => {
      const res = await fetch(`${c.url}/p.gif?e=bogus`);
      expect(res.status).toBe(400);
      expect(res.headers.get('x-reject-reason')).toMatch(/^e: must be one of pageView/);
      expect((await c.bad())[0].payload).toBe('{"e":"bogus"}');
    });
  });

  describe('CORS', () => {
    it('answers a credentialed preflight by echoing the origin, never *', async () => {
      const res = await fetch(`${c.url}/com.snowplowanalytics.snowplow/tp2`, {
        method: 'OPTIONS',
        headers: {
          Origin: 'https://shop.example.com',
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'content-type',
        },
      });
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe('https://shop.example.com');
      expect(res.headers.get('access-control-allow-credentials')).toBe('true');
      expect(res.headers.get('access-control-allow-headers')).toBe('Content-Type, SP-Anonymous');
    });

    it('gives no CORS headers to an origin outside the allowlist', async () => {
      const strict = await startCollector({ ALLOWED_ORIGINS: 'https://shop.example.com' });
      try {
        const denied = await fetch(`${strict.url}/collect`, { method: 'OPTIONS', headers: { Origin: 'https://evil.example.net' } });
        expect(denied.headers.get('access-control-allow-origin')).toBeNull();
        const allowed = await fetch(`${strict.url}/collect`, { method: 'OPTIONS', headers: { Origin: 'https://shop.example.com' } });
        expect(allowed.headers.get('access-control-allow-origin')).toBe('https://shop.example.com');
      } finally {
        await strict.stop();
      }
    });
  });

  describe('health and metrics', () => {
    it('reports healthy and counts accepted and rejected events', async () => {
      expect((await fetch(`${c.url}/health`)).status).toBe(200);
      await fetch(`${c.url}/collect`, { method: 'POST', body: JSON.stringify([trackerEvent(), { bad: true }]) });
      const text = await (await fetch(`${c.url}/metrics`)).text();
      expect(text).toContain('clickstream_events_accepted_total 1\n');
      expect(text).toContain('clickstream_events_rejected_total 1\n');
      expect(text).toMatch(/clickstream_sink_latency_ms_count 2\n/);
    });

    it('answers 404 with the route it did not find', async () => {
      const res = await fetch(`${c.url}/nope`);
      expect(res.status).toBe(404);
      expect(await res.text()).toBe('no route for GET /nope\n');
    });
  });
});

describe('tracker script', () => {
  it('serves /clickstream.js briefly cached, the versioned copy immutable, with ETag and gzip', async () => {
    const script = TrackerScript.fromFile(buildTracker());
    const c = await startCollector({}, undefined, { script });
    try {
      const current = await fetch(`${c.url}/clickstream.js`);
      expect(current.status).toBe(200);
      expect(current.headers.get('cache-control')).toBe('public, max-age=300');
      expect(current.headers.get('content-type')).toBe('application/javascript; charset=utf-8');
      expect(current.headers.get('content-encoding')).toBe('gzip'); // fetch asks for gzip and unpacks it
      expect(await current.text()).toBe(readFileSync(buildTracker(), 'utf8'));
      const versioned = await fetch(`${c.url}${script.versionedPath}`);
      expect(versioned.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      const etag = versioned.headers.get('etag')!;
      const again = await fetch(`${c.url}/clickstream.js`, { headers: { 'If-None-Match': etag } });
      expect(again.status).toBe(304);
    } finally {
      await c.stop();
    }
  });
});

describe('privacy settings', () => {
  it('stores nothing and sets no cookie for DNT or GPC requests when configured to respect them', async () => {
    const c = await startCollector({ RESPECT_DO_NOT_TRACK: 'true' });
    try {
      const gpc = await fetch(`${c.url}/p.gif?url=https://a.example/`, { headers: { 'Sec-GPC': '1' } });
      expect(gpc.status).toBe(200);
      expect(gpc.headers.getSetCookie()).toEqual([]);
      const dnt = await fetch(`${c.url}/collect`, { method: 'POST', headers: { DNT: '1' }, body: JSON.stringify([trackerEvent()]) });
      expect(dnt.status).toBe(204);
      await fetch(`${c.url}/p.gif?url=https://a.example/`);
      expect(await c.events()).toHaveLength(1);
    } finally {
      await c.stop();
    }
  });

  it('keeps the full IP when anonymisation is turned off, and never trusts X-Forwarded-For without proxies', async () => {
    const c = await startCollector({ ANONYMISE_IP: 'false' });
    try {
      await fetch(`${c.url}/collect`, {
        method: 'POST',
        headers: { 'X-Forwarded-For': '81.2.69.160' },
        body: JSON.stringify([trackerEvent()]),
      });
      const [event] = await c.events();
      expect(event.network?.ip).toBe('127.0.0.1');
    } finally {
      await c.stop();
    }
  });
});

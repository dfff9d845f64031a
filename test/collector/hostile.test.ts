import { connect } from 'node:net';
import { LIMITS } from '../../contract';
import { startCollector, trackerEvent, type TestCollector } from '../support/collector';

const TP2 = '/com.snowplowanalytics.snowplow/tp2';
const PAYLOAD_DATA = 'iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4';

/** Sends raw bytes over one connection and returns what came back before the server closed it (or `waitMs` passed). */
function raw(url: string, chunks: string[], { gapMs = 0, waitMs = 3000, abort = false } = {}): Promise<string> {
  const { port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), '127.0.0.1');
    let got = '';
    socket.on('data', (d) => (got += d.toString()));
    const timer = setTimeout(() => socket.destroy(), waitMs);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(got);
    });
    socket.on('error', () => undefined);
    void (async () => {
      for (const c of chunks) {
        socket.write(c);
        if (gapMs) await new Promise((r) => setTimeout(r, gapMs));
      }
      if (abort) socket.destroy();
    })();
  });
}

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

describe('the collector against hostile requests', () => {
  let c: TestCollector;
  beforeEach(async () => {
    c = await startCollector({ REQUEST_TIMEOUT_MS: '1000' });
  });
  afterEach(() => c.stop());

  it('refuses deep JSON nesting with 413 and a reason, and keeps the body on the bad stream', async () => {
    const body = `{"events":[{"eventType":"custom","properties":{"x":${nested(20000)}}}]}`;
    const res = await fetch(`${c.url}/collect`, { method: 'POST', body });
    expect(res.status).toBe(413);
    expect(await res.text()).toBe(`body nests deeper than ${LIMITS.bodyDepth} levels\n`);
    const [bad] = await c.bad();
    expect(bad).toMatchObject({ failureType: 'size_violation', origin: 'collector:/collect', truncated: true });
    expect(bad.payload.startsWith('{"events":[{"eventType":"custom"')).toBe(true);
  });

  it('rejects properties nested deeper than the contract allows, by name, and stores the rest of the batch', async () => {
    const deep = JSON.parse(nested(LIMITS.propertiesDepth)) as unknown;
    const res = await fetch(`${c.url}/collect`, {
      method: 'POST',
      body: JSON.stringify([trackerEvent({ properties: { deep } }), trackerEvent()]),
    });
    expect(res.status).toBe(200);
    expect((await res.json()).rejected).toEqual([{ index: 0, reason: `properties: nests deeper than ${LIMITS.propertiesDepth} levels` }]);
    expect(await c.events()).toHaveLength(1);
  });

  it('rejects one Snowplow event with an out-of-range time and stores the others of its batch', async () => {
    const event = (dtm: string) => ({
      e: 'pv',
      tv: 'js-4',
      p: 'web',
      eid: crypto.randomUUID(),
      url: 'https://shop.example.com/',
      dtm,
      duid: 'd1',
      sid: 's1',
    });
    const body = JSON.stringify({ schema: PAYLOAD_DATA, data: [event('99999999999999999'), event('1763806530120'), event('-5')] });
    const res = await fetch(`${c.url}${TP2}`, { method: 'POST', body });
    expect(res.status).toBe(200);
    const stored = await c.events();
    expect(stored.map((e) => e.clientTimestamp)).toEqual(['2025-11-22T10:15:30.120Z']);
    expect((await c.bad()).map((b) => b.reason)).toEqual([
      'dtm: must be milliseconds since the epoch, from 1970-01-01T00:00:00Z to 2099-12-31T23:59:59Z',
      'dtm: must be milliseconds since the epoch, from 1970-01-01T00:00:00Z to 2099-12-31T23:59:59Z',
    ]);
  });

  it('rejects timestamps the date-time shape allows but no store can hold', async () => {
    for (const t of ['2026-02-30T10:00:00Z', '2026-11-22T23:59:60Z', '0000-01-01T00:00:00Z', '9999-12-31T23:59:59Z']) {
      const res = await fetch(`${c.url}/collect`, { method: 'POST', body: JSON.stringify([trackerEvent({ clientTimestamp: t })]) });
      expect((await res.json()).rejected[0].reason).toMatch(/^clientTimestamp: must be an RFC 3339 date-time from 1970/);
    }
    const res = await fetch(`${c.url}/p.gif?ts=99999999999999`);
    expect(res.headers.get('x-reject-reason')).toMatch(/^ts: must be milliseconds since the epoch/);
    expect(await c.events()).toEqual([]);
  });

  it('rejects event ids that are not canonical 36-character UUIDs', async () => {
    const res = await fetch(`${c.url}/collect`, {
      method: 'POST',
      body: JSON.stringify([
        trackerEvent({ eventId: 'urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca401' }),
        trackerEvent({ eventId: '{1b4e28ba-2fa1-11d2-883f-0016d3cca401}' }),
      ]),
    });
    expect(res.status).toBe(400);
    expect((await res.json()).rejected.map((r: { reason: string }) => r.reason)).toEqual([
      'eventId: must be a valid uuid',
      'eventId: must be a valid uuid',
    ]);
  });

  it('never echoes a client id that is not in the id format into a cookie', async () => {
    const res = await fetch(`${c.url}/p.gif?pid=${encodeURIComponent('x; Domain=evil.example; Max-Age=999999999')}&sid=ok-session`);
    expect(res.status).toBe(400);
    const cookies = res.headers.getSetCookie();
    expect(cookies.join('\n')).not.toContain('evil.example');
    expect(cookies[0]).toMatch(/^cs_pid=0:[a-z0-9]+:[\w-]+; Path=\//);
    const sp = await fetch(`${c.url}/i?e=pv&tv=js&p=web&url=https://a.example/&nuid=${encodeURIComponent('a\r\nSet-Cookie: x=1')}`);
    expect(sp.status).toBe(200);
    expect(sp.headers.getSetCookie()[0]).toMatch(/^sp=[0-9a-f-]{36}; /);
  });

  it('answers with header-safe reasons whatever the rejected value holds', async () => {
    const res = await fetch(`${c.url}/p.gif?e=${encodeURIComponent('ü\u2028\r\nX-Evil: 1')}`);
    expect(res.status).toBe(400);
    expect(res.headers.get('x-evil')).toBeNull();
    expect(res.headers.get('x-reject-reason')).toMatch(/^e: must be one of/);
    const json = await fetch(`${c.url}/p.gif?p=${encodeURIComponent('{"a":"\u00ff\u4e2d\n')}`);
    expect(json.status).toBe(400);
    expect(json.headers.get('x-reject-reason')).toBe('p: must be a JSON object');
  });

  it('rejects keys named like Object.prototype members by name, at the top level and in the page', async () => {
    const body = `[${JSON.stringify(trackerEvent()).replace(/^\{/, '{"constructor":1,')},${JSON.stringify(trackerEvent()).replace(/^\{/, '{"__proto__":{"x":1},')},${JSON.stringify(
      trackerEvent({ page: { url: 'https://a.example/', toString: 'x' } }),
    )}]`;
    const res = await fetch(`${c.url}/collect`, { method: 'POST', body });
    expect((await res.json()).rejected.map((r: { reason: string }) => r.reason)).toEqual([
      'constructor: is not a field of the event contract',
      '__proto__: is not a field of the event contract',
      'page.toString: is not a field of the event contract',
    ]);
  });

  it('keeps every key of Snowplow self-describing data as data, __proto__ included', async () => {
    const ue = JSON.stringify({
      schema: 'iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0',
      data: { schema: 'iglu:com.acme/x/jsonschema/1-0-0', data: JSON.parse('{"__proto__":{"polluted":true},"constructor":"c","step":2}') },
    });
    const res = await fetch(`${c.url}/i?e=ue&tv=js&p=web&duid=d&sid=s&ue_pr=${encodeURIComponent(ue)}`);
    expect(res.status).toBe(200);
    const [stored] = await c.events();
    expect(Object.keys(stored.properties!)).toEqual(['__proto__', 'constructor', 'step']);
    expect(JSON.stringify(stored.properties)).toBe('{"__proto__":{"polluted":true},"constructor":"c","step":2}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('answers 408 to a body that does not arrive in time and keeps what arrived on the bad stream', async () => {
    const answer = await raw(c.url, ['POST /collect HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n', '{"events":[{"eventType":'], {
      waitMs: 4000,
    });
    expect(answer).toMatch(/^HTTP\/1.1 408 /);
    expect(answer).toContain('body not received within 1000 ms');
    const [bad] = await c.bad();
    expect(bad).toMatchObject({ failureType: 'protocol_violation', payload: '{"events":[{"eventType":' });
  });

  it('keeps the part of a body whose client went away on the bad stream, and stays up', async () => {
    await raw(c.url, ['POST /collect HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n', '{"events":[{"eventType":"custom"'], {
      gapMs: 100,
      abort: true,
      waitMs: 1000,
    });
    await new Promise((r) => setTimeout(r, 200));
    const [bad] = await c.bad();
    expect(bad.reason).toMatch(/^request aborted after 32 bytes/);
    expect(bad.payload).toBe('{"events":[{"eventType":"custom"');
    expect((await fetch(`${c.url}/health`)).status).toBe(200);
  });
});

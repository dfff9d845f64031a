/**
 * Property-based fuzzing of the whole local river with hostile requests: every Unicode class,
 * deep and wide structures, prototype keys, extreme numbers and dates, SQL and HTML
 * metacharacters, duplicate ids, oversized fields and malformed encodings, through the real
 * collector into the real processors. Seeded and bounded here; FUZZ_RUNS and FUZZ_SEED run it
 * longer or elsewhere (e.g. FUZZ_RUNS=5000 npm test -- test/fuzz).
 */
import fc from 'fast-check';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { COLUMNS, decodeEvent, eventToRow, type BadEvent, type ClickEvent } from '../../contract';
import { startLocal, type LocalMode } from '../../local/mode';
import { waitFor } from '../support/browser';
import { quietLog } from '../support/collector';

const RUNS = Number(process.env.FUZZ_RUNS ?? 120);
const SEED = Number(process.env.FUZZ_SEED ?? 20261123);

/** Strings an attacker would try: every Unicode class, lone surrogates, NUL, markup, SQL, CR/LF. */
const hostileString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('\u0000', '\uD800', 'a\uDFFFb', '\u2028', '\r\nSet-Cookie: x=1', "'; DROP TABLE events; --", '\\', "O'Brien\\'", '<img src=x onerror=alert(1)>', '"><script>alert(1)</script>', '${7*7}', '%00%ff', '🍵'.repeat(300)),
  fc.string({ unit: 'grapheme', minLength: 250, maxLength: 300 }),
);
/**
 * What the warehouse stores for a string, as the README's Guarantees say: NUL and lone UTF-16
 * surrogates (which neither Redshift nor Postgres can hold) become U+FFFD; nothing else changes.
 */
const stored = (v: string | number | boolean | null) => (typeof v === 'string' ? v.replace(/\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD') : v);

/** Percent-encoding for a URL path (which cannot carry lone surrogates: they go raw in the other branch). */
const enc = (s: string) => encodeURIComponent(String(stored(s)));
const PROTO_KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];
const key = fc.oneof(fc.constantFrom(...PROTO_KEYS), fc.string({ unit: 'binary', maxLength: 12 }));
const leaf = fc.oneof(hostileString, fc.double(), fc.constantFrom(1e308, -1e308, -0, Number.MAX_SAFE_INTEGER + 2), fc.boolean(), fc.constant(null));
const deep = (depth: number): unknown => (depth === 0 ? 'bottom' : { a: [deep(depth - 1)] });
const json: fc.Arbitrary<unknown> = fc.oneof(
  fc.dictionary(key, fc.oneof(leaf, fc.array(leaf, { maxLength: 3 }), fc.dictionary(key, leaf, { maxKeys: 3 })), { maxKeys: 6 }),
  fc.integer({ min: 1, max: 40 }).map(deep),
  fc.dictionary(fc.string({ maxLength: 4 }), leaf, { minKeys: 60, maxKeys: 70 }),
);
const time = fc.oneof(
  fc.date({ min: new Date(1970, 0, 1), max: new Date(2099, 0, 1), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom('2026-02-30T10:00:00Z', '2026-11-22T23:59:60Z', '0000-01-01T00:00:00Z', '+275760-09-13T00:00:00.000Z', '2026-11-22T10:00:00+05:00', 'now'),
);
const ids = ['0:a:party', '0:b:party', 'session-1', 'session-2'];
const idLike = fc.oneof(fc.constantFrom(...ids), hostileString);
/** A small pool, so duplicate event ids (a client retry, an attacker replay) happen often. */
const eventIds = Array.from({ length: 12 }, () => crypto.randomUUID());
const eventId = fc.oneof(fc.constantFrom(...eventIds), fc.constantFrom('urn:uuid:' + eventIds[0], eventIds[1].toUpperCase(), '{' + eventIds[2] + '}'), hostileString);

const trackerEvent = fc.record(
  {
    eventId,
    eventType: fc.oneof(fc.constantFrom('pageView', 'custom', 'click', 'pagePing'), hostileString),
    eventName: hostileString,
    partyId: idLike,
    sessionId: idLike,
    clientTimestamp: time,
    properties: json,
    page: fc.record({ url: fc.oneof(hostileString.map((s) => `https://shop.example.com/${enc(s)}?utm_campaign=${enc(s)}`), hostileString), title: hostileString }, { requiredKeys: ['url'] }),
    commerce: fc.record({ price: leaf, quantity: leaf }),
    extra: leaf,
  },
  { requiredKeys: ['eventId', 'eventType', 'partyId', 'sessionId'] },
).map(({ extra, ...e }) => (extra === null ? e : JSON.parse(`{"${PROTO_KEYS[0]}":1,${JSON.stringify(e).slice(1)}`)));

/** One hostile request: what to send, and the event ids a 2xx may have accepted. */
type Hostile = { path: string; init?: RequestInit };
const request: fc.Arbitrary<Hostile> = fc.oneof(
  fc.array(trackerEvent, { minLength: 1, maxLength: 5 }).map((events) => ({ path: '/collect', init: { method: 'POST', body: JSON.stringify({ events }) } })),
  fc.record({ e: fc.constantFrom('pageView', 'custom'), n: hostileString, eid: eventId, pid: idLike, sid: idLike, url: hostileString, ts: fc.oneof(fc.bigInt({ min: -1n, max: 10n ** 17n }).map(String), hostileString), p: json.map((v) => JSON.stringify(v)) }).map((q) => ({
    path: `/p.gif?${new URLSearchParams(Object.entries(q).map(([k, v]) => [k, String(v)]))}`,
  })),
  fc.record({ eid: eventId, dtm: fc.oneof(fc.bigInt({ min: -5n, max: 10n ** 17n }).map(String), hostileString), url: hostileString, se_ac: hostileString, duid: idLike, sid: idLike, nuid: hostileString, ue: json }).map((q) => ({
    path: `/i?${new URLSearchParams({ e: 'ue', tv: 'js-4', p: 'web', eid: q.eid, dtm: q.dtm, url: q.url, duid: q.duid, sid: q.sid, nuid: q.nuid, ue_pr: JSON.stringify({ schema: 'iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0', data: { schema: 'iglu:com.acme/x/jsonschema/1-0-0', data: q.ue } }) })}`,
  })),
  fc.oneof(fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)), fc.integer({ min: 1, max: 30000 }).map((n) => '['.repeat(n)), fc.constant(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]))).map((body) => ({ path: '/collect', init: { method: 'POST', body } })),
);

function archivedLines(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.ndjson.gz')) out.push(...gunzipSync(readFileSync(p)).toString().trimEnd().split('\n'));
    }
  };
  walk(dir);
  return out;
}

describe('the local river under generated hostile requests', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cs-fuzz-'));
  let local: LocalMode;
  beforeAll(async () => {
    local = await startLocal({ dataDir, port: 0, log: quietLog, env: { REQUEST_TIMEOUT_MS: '5000' } });
  });
  afterAll(async () => {
    await local?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('survives every request, stores each 2xx event exactly once and identically, keeps every refusal, and never stalls', async () => {
    let rejectedItems = 0;
    await fc.assert(
      fc.asyncProperty(request, async ({ path, init }) => {
        const res = await fetch(`${local.url}${path}`, init);
        const text = await res.text();
        expect(res.status).toBeLessThan(500);
        if (path.startsWith('/collect') && res.headers.get('content-type') === 'application/json') rejectedItems += (JSON.parse(text) as { rejected: unknown[] }).rejected.length;
        // 431: headers over the limit, refused by the HTTP parser before anything was read.
        else if (res.status >= 400 && res.status !== 431) rejectedItems++;
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    expect((await fetch(`${local.url}/health`)).status).toBe(200);

    // No consumer stalls: lag returns to 0 with no error.
    await waitFor(async () => local.consumers.map((c) => [c.lag(), c.lastError?.message ?? null]), (s) => s.every(([lag, err]) => lag === 0 && err === null), 60_000);

    const logged: ClickEvent[] = [];
    const values: string[] = [];
    for (let p = 0; p < local.log.partitionCount(local.topics.events); p++) {
      for (const r of await local.log.read(local.topics.events, p, 0, 1_000_000)) {
        const d = decodeEvent(r.value);
        if (!d.ok) throw new Error(`the collector stored an invalid event: ${d.reason}`);
        logged.push(d.event);
        values.push(r.value.toString());
      }
    }
    // Every refused item is on the bad stream.
    const bad: BadEvent[] = [];
    for (const r of await local.log.read(local.topics.bad, 0, 0, 1_000_000)) bad.push(JSON.parse(r.value.toString()) as BadEvent);
    expect(bad.length).toBe(rejectedItems);
    expect(bad.every((b) => b.reason.length > 0)).toBe(true);

    // The warehouse holds the first copy of every accepted id, exactly once, identical up to the documented normalisation.
    const first = new Map<string, ClickEvent>();
    for (const e of logged) if (!first.has(e.eventId)) first.set(e.eventId, e);
    const rows = await local.db.query(`SELECT ${COLUMNS.map((c) => c.name).join(', ')} FROM events`);
    expect(rows.map((r) => String(r.event_id)).sort()).toEqual([...first.keys()].sort());
    for (const row of rows) {
      const expected = eventToRow(first.get(String(row.event_id))!);
      COLUMNS.forEach((c, i) => {
        const got = row[c.name];
        const want = expected[i];
        if (c.sqlType === 'TIMESTAMP') expect(got === null ? null : (got as Date).getTime()).toBe(want === null ? null : Date.parse(String(want)));
        else if (c.sqlType === 'VARCHAR(65535)' && want !== null) expect(got).toBe(stored(want));
        else if (c.sqlType === 'DOUBLE PRECISION' && want !== null) expect(Number(got)).toBe(want);
        else expect(got).toEqual(stored(want));
      });
    }
    const [traffic] = await local.db.query('SELECT COALESCE(SUM(events), 0) AS n FROM traffic_hourly');
    expect(Number(traffic.n)).toBe(first.size);

    // The archive holds every stored record byte for byte, once.
    expect(archivedLines(join(dataDir, 'archive', 'events')).sort()).toEqual(values.sort());
    expect(archivedLines(join(dataDir, 'archive', 'bad')).length).toBe(bad.length);
  }, 300_000);
});

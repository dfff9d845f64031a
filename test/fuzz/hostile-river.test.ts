/**
 * Property-based fuzzing of the whole local river with hostile requests: every Unicode class,
 * deep and wide structures, prototype keys, extreme numbers and dates, SQL and HTML
 * metacharacters, duplicate ids, oversized fields and malformed encodings, through the real
 * collector into the real processors. Seeded and bounded here; FUZZ_RUNS and FUZZ_SEED run it
 * longer or elsewhere (e.g. FUZZ_RUNS=5000 npm test -- test/fuzz).
 */
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COLUMNS, decodeEvent, eventToRow, type BadEvent, type ClickEvent } from '../../contract';
import { storable } from '../../warehouse/literal';
import { startLocal, type LocalMode } from '../../local/mode';
import { archivedLines } from '../support/archive';
import { waitFor } from '../support/browser';
import { quietLog } from '../support/collector';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const SEED = Number(process.env.FUZZ_SEED ?? 20261123);

/**
 * What the warehouse stores for a string, as the README's Guarantees say: NUL and lone UTF-16
 * surrogates (which neither Redshift nor Postgres can hold) become U+FFFD; nothing else changes.
 */
const stored = (v: string | number | boolean | null) => (typeof v === 'string' ? storable(v) : v);

/** Percent-encoding for a URL path (which cannot carry lone surrogates: they go raw in the other branch). */
const enc = (s: string) => encodeURIComponent(String(stored(s)));
const PROTO_KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];
const MARKUP = [
  '\u0000',
  '\uD800',
  'a\uDFFFb',
  '\u2028',
  '\r\nSet-Cookie: x=1',
  "'; DROP TABLE events; --",
  '\\',
  "O'Brien\\'",
  '<img src=x onerror=alert(1)>',
  '"><script>alert(1)</script>',
  '${7*7}',
  '%00%ff',
];
/** Strings an attacker would try, within a field's length: every Unicode class, lone surrogates, NUL, markup, SQL, CR/LF. */
const text = (max: number) =>
  fc.oneof(
    fc.string({ unit: 'binary', maxLength: Math.min(max, 40) }),
    fc.constantFrom(...MARKUP),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: max }).filter((v) => [...v].length <= max),
  );
const hostileString = fc.oneof(text(40), fc.constant('🍵'.repeat(300)));
const key = fc.oneof(fc.constantFrom(...PROTO_KEYS), fc.string({ unit: 'binary', maxLength: 12 }));
const leaf = fc.oneof(
  text(40),
  fc.double(),
  fc.constantFrom(1e308, -1e308, -0, Number.MAX_SAFE_INTEGER + 2),
  fc.boolean(),
  fc.constant(null),
);
/** Free-form properties: prototype keys and markup are data here, and must come back as data. */
const properties = fc.dictionary(key, fc.oneof(leaf, fc.array(leaf, { maxLength: 3 }), fc.dictionary(key, leaf, { maxKeys: 3 })), {
  maxKeys: 6,
});
const deep = (depth: number): unknown => (depth === 0 ? 'bottom' : { a: [deep(depth - 1)] });
const validTime = fc
  .date({ min: new Date(Date.UTC(1970, 0, 1)), max: new Date(Date.UTC(2099, 11, 31)), noInvalidDate: true })
  .map((d) => d.toISOString());
const ids = ['0:a:party', '0:b:party', 'session-1', 'session-2', '0:x:~_:.!-'];
/** A small pool, so duplicate event ids (a client retry, an attacker replay) happen often. */
const eventIds = fc.sample(fc.uuid(), { numRuns: 12, seed: SEED }); // seeded too, so a failing run can be repeated
const eventId = fc.oneof({ weight: 3, arbitrary: fc.uuid() }, { weight: 1, arbitrary: fc.constantFrom(...eventIds) });
const pageUrl = text(200).map((v) => `https://shop.example.com/${enc(v)}?utm_source=${enc(v)}&utm_campaign=${enc(v)}`);

/** A contract-valid event whose values are as hostile as the contract allows. */
const validEvent = fc.record(
  {
    eventId,
    eventType: fc.constantFrom('pageView', 'custom', 'click', 'pagePing', 'selfDescribing'),
    eventName: text(256),
    userId: text(256),
    partyId: fc.constantFrom(...ids),
    sessionId: fc.constantFrom(...ids),
    clientTimestamp: fc.oneof(
      validTime,
      fc.constantFrom('2026-11-22T10:00:00.123456+05:00', '2099-12-31T23:59:59Z', '1970-01-01T00:00:00Z'),
    ),
    properties,
    page: fc.record(
      { url: pageUrl, title: text(1024), referrer: fc.constantFrom('https://www.google.com/', 'javascript:alert(1)', '') },
      { requiredKeys: ['url'] },
    ),
    commerce: fc.record({
      price: fc.double({ min: -1e12, max: 1e12, noNaN: true }),
      quantity: fc.integer({ min: -1000000, max: 1000000 }),
      brand: text(256),
    }),
  },
  { requiredKeys: ['eventId', 'eventType', 'partyId', 'sessionId'] },
);
/** One thing an attacker breaks; each must be refused with a reason, never stored, never crash a store. */
const breakage = fc.oneof(
  fc.record({ eventId: fc.oneof(hostileString, fc.constantFrom(`urn:uuid:${eventIds[0]}`, `{${eventIds[1]}}`)) }),
  fc.record({
    clientTimestamp: fc.constantFrom(
      '2026-02-30T10:00:00Z',
      '2026-11-22T23:59:60Z',
      '0000-01-01T00:00:00Z',
      '+275760-09-13T00:00:00.000Z',
      'now',
      '2100-01-01T00:00:00Z',
    ),
  }),
  fc.record({ properties: fc.integer({ min: 17, max: 40 }).map(deep) }),
  fc.record({ properties: fc.dictionary(fc.string({ minLength: 1, maxLength: 4 }), leaf, { minKeys: 65, maxKeys: 70 }) }),
  fc.record({ sessionId: hostileString }),
  fc.record({ eventName: fc.constant('x'.repeat(257)) }),
  fc.record({ commerce: fc.record({ price: fc.constantFrom(1e13, Number.MAX_VALUE) }) }),
  fc.constantFrom(...PROTO_KEYS).map((k) => JSON.parse(`{"${k}":1}`) as Record<string, unknown>),
);
const trackerEvent = fc
  .tuple(validEvent, fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: breakage }))
  .map(([event, broken]) =>
    broken ? JSON.parse(`${JSON.stringify(event).slice(0, -1)},${JSON.stringify(broken).slice(1)}`.replace(',}', '}')) : event,
  );

/** One hostile request: what to send, and the event ids a 2xx may have accepted. */
type Hostile = { path: string; init?: RequestInit };
const request: fc.Arbitrary<Hostile> = fc.oneof(
  fc
    .array(trackerEvent, { minLength: 1, maxLength: 5 })
    .map((events) => ({ path: '/collect', init: { method: 'POST', body: JSON.stringify({ events }) } })),
  fc
    .record({
      e: fc.constantFrom('pageView', 'custom', 'pageView', 'nope'),
      n: text(256),
      eid: eventId,
      pid: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...ids) }, { weight: 1, arbitrary: hostileString }),
      sid: fc.constantFrom(...ids),
      url: pageUrl,
      ts: fc.oneof(
        { weight: 4, arbitrary: fc.bigInt({ min: 0n, max: 4102444800000n }).map(String) },
        { weight: 1, arbitrary: fc.constantFrom('-1', '99999999999999999', 'abc') },
      ),
      p: properties.map((v) => JSON.stringify(v)),
    })
    .map((q) => ({
      path: `/p.gif?${new URLSearchParams(Object.entries(q).map(([k, v]) => [k, String(v)]))}`,
    })),
  fc
    .record({
      eid: eventId,
      dtm: fc.oneof(
        { weight: 4, arbitrary: fc.bigInt({ min: 0n, max: 4102444800000n }).map(String) },
        { weight: 1, arbitrary: fc.constantFrom('-5', '99999999999999999', '1e3') },
      ),
      url: pageUrl,
      duid: fc.constantFrom(...ids),
      sid: fc.constantFrom(...ids),
      nuid: hostileString,
      ue: properties,
    })
    .map((q) => ({
      path: `/i?${new URLSearchParams({ e: 'ue', tv: 'js-4', p: 'web', eid: q.eid, dtm: q.dtm, url: q.url, duid: q.duid, sid: q.sid, nuid: q.nuid, ue_pr: JSON.stringify({ schema: 'iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0', data: { schema: 'iglu:com.acme/x/jsonschema/1-0-0', data: q.ue } }) })}`,
    })),
  fc
    .oneof(
      fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
      fc.integer({ min: 1, max: 30000 }).map((n) => '['.repeat(n)),
      fc.constant(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])),
    )
    .map((body) => ({ path: '/collect', init: { method: 'POST', body } })),
);

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
    const acceptedSent: Record<string, unknown>[] = [];
    await fc.assert(
      fc.asyncProperty(request, async ({ path, init }) => {
        const res = await fetch(`${local.url}${path}`, init);
        const text = await res.text();
        expect(res.status).toBeLessThan(500);
        if (path.startsWith('/collect') && res.headers.get('content-type') === 'application/json') {
          const { rejected } = JSON.parse(text) as { rejected: { index: number }[] };
          rejectedItems += rejected.length;
          const sent = (JSON.parse(String(init!.body)) as { events: Record<string, unknown>[] }).events;
          acceptedSent.push(...sent.filter((_, i) => !rejected.some((r) => r.index === i)));
        }
        // 431: headers over the limit, refused by the HTTP parser before anything was read.
        else if (res.status >= 400 && res.status !== 431) rejectedItems++;
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    expect((await fetch(`${local.url}/health`)).status).toBe(200);

    // No consumer stalls: lag returns to 0 with no error.
    await waitFor(
      async () => local.consumers.map((c) => [c.lag(), c.lastError?.message ?? null]),
      (s) => s.every(([lag, err]) => lag === 0 && err === null),
      60_000,
    );

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

    // What the client sent is what was stored: every key it sent is there (`__proto__` and
    // `constructor` included, or the event was refused), with the same value. One documented
    // normalisation: an empty referrer is no referrer.
    const holds = (stored: Record<string, unknown>, sent: Record<string, unknown>): boolean =>
      Object.keys(sent).every((k) =>
        k === 'referrer' && sent[k] === ''
          ? stored[k] === undefined
          : k === 'page'
            ? Object.hasOwn(stored, k) && holds(stored[k] as Record<string, unknown>, sent[k] as Record<string, unknown>)
            : Object.hasOwn(stored, k) && JSON.stringify(stored[k]) === JSON.stringify(sent[k]),
      );
    for (const sent of acceptedSent) {
      if (!logged.some((e) => e.eventId === sent.eventId && holds(e as unknown as Record<string, unknown>, sent))) {
        expect({ sent, stored: logged.filter((e) => e.eventId === sent.eventId) }).toBe(
          'an accepted event stored with every field it sent',
        );
      }
    }

    // The warehouse holds every accepted id exactly once, identical to the first copy up to the
    // documented normalisation. Copies of an id in one session share a partition, so "first" is
    // the same for every processor; copies sent with different sessions (only a forger does that)
    // land on different partitions, and the stored copy is then one of them (README: Guarantees).
    const copies = new Map<string, ClickEvent[]>();
    for (const e of logged) copies.set(e.eventId, [...(copies.get(e.eventId) ?? []), e]);
    const rows = await local.db.query(`SELECT ${COLUMNS.map((c) => c.name).join(', ')} FROM events`);
    expect(rows.map((r) => String(r.event_id)).sort()).toEqual([...copies.keys()].sort());
    const matches = (row: Record<string, unknown>, event: ClickEvent) => {
      const expected = eventToRow(event);
      return COLUMNS.every((c, i) => {
        const got = row[c.name];
        const want = expected[i];
        if (c.sqlType === 'TIMESTAMP')
          return (got === null ? null : (got as Date).getTime()) === (want === null ? null : Date.parse(String(want)));
        if (c.sqlType === 'DOUBLE PRECISION' && want !== null) return Number(got) === want;
        return got === stored(want);
      });
    };
    for (const row of rows) {
      const all = copies.get(String(row.event_id))!;
      const candidates = new Set(all.map((e) => e.sessionId)).size === 1 ? [all[0]] : all;
      if (!candidates.some((e) => matches(row, e)))
        expect({ row, expected: candidates.map(eventToRow) }).toBe('a stored row equal to the event');
    }
    if (process.env.FUZZ_DEBUG) {
      const reasons = new Map<string, number>();
      for (const b of bad) reasons.set(b.reason.replace(/[\d"].*/, ''), (reasons.get(b.reason.replace(/[\d"].*/, '')) ?? 0) + 1);
      process.stderr.write(`accepted ids ${copies.size}, records ${logged.length}, bad ${bad.length}: ${JSON.stringify([...reasons])}\n`);
    }
    const [traffic] = await local.db.query('SELECT COALESCE(SUM(events), 0) AS n FROM traffic_hourly');
    expect(Number(traffic.n)).toBe(copies.size);

    // The archive holds every stored record byte for byte, once.
    expect(archivedLines(join(dataDir, 'archive', 'events')).sort()).toEqual(values.sort());
    expect(archivedLines(join(dataDir, 'archive', 'bad')).length).toBe(bad.length);
  }, 300_000);
});

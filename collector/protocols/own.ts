/**
 * Our own protocol: the JSON batch the tracker posts, and the query-string pixel.
 */
import { EVENT_TYPES, instantFromMs, INSTANT_WINDOW, setOwn, type EventType } from '../../contract';
import type { ClientFields } from '../../enrich';
import { MalformedRequest, TooLarge } from '../errors';
import { compact } from './compact';
import { parseJsonBody } from './json-body';

/** Parses a JSON batch body: `{"events":[…]}` or a bare array. Throws a {@link ClientError} on a malformed body. */
export function parseBatch(body: string, maxEvents: number): unknown[] {
  const parsed = parseJsonBody(body);
  const events = Array.isArray(parsed) ? parsed : (parsed as { events?: unknown } | null)?.events;
  if (!Array.isArray(events)) throw new MalformedRequest('body must be a JSON array of events or an object with an "events" array');
  if (events.length === 0) throw new MalformedRequest('batch has no events');
  if (events.length > maxEvents) throw new TooLarge(`batch has ${events.length} events, over the limit of ${maxEvents}`);
  return events;
}

/**
 * The client-settable fields of one batch item. Unknown fields are kept so that contract
 * validation names them; server-owned ones are dropped.
 */
export function clientFieldsOf(item: unknown): ClientFields | string {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return 'event: must be object';
  const out: ClientFields = {};
  for (const [key, value] of Object.entries(item)) {
    if (!SERVER_FIELDS.has(key)) setOwn(out, key, value);
  }
  return out;
}

/** Contract fields only the collector sets; a client's values for them are dropped. */
const SERVER_FIELDS = new Set(['schemaVersion', 'source', 'receivedTimestamp', 'device', 'network']);

const EVENT_TYPE_SET = new Set<string>(EVENT_TYPES);

const int = (v: string | null) => (v !== null && /^\d{1,6}$/.test(v) ? Number(v) : undefined);

/**
 * One event from pixel query parameters. Short names keep the URL small:
 * `e` type, `n` name, `p` JSON properties, `eid` event id, `pid`/`sid`/`vid` party/session/page-view ids,
 * `uid` user id, `site` site or app, `url`, `r` referrer, `t` title, `ts` client time (ms), `sw`/`sh`/`vw`/`vh` sizes, `lang`, `tz`.
 * Without `url` the page is the `Referer` header, which is what a `<noscript>` image sends.
 */
export function pixelFields(query: URLSearchParams, refererHeader: string | undefined): ClientFields | string {
  const type = query.get('e') ?? 'pageView';
  if (!EVENT_TYPE_SET.has(type)) return `e: must be one of ${EVENT_TYPES.join(', ')}`;
  const fields: ClientFields = { eventType: type as EventType };
  const set = (key: string, value: unknown) => {
    if (value !== undefined && value !== null && value !== '') fields[key] = value;
  };
  set('eventName', query.get('n'));
  const props = query.get('p');
  if (props) {
    try {
      fields.properties = JSON.parse(props);
    } catch {
      return 'p: must be a JSON object';
    }
  }
  set('eventId', query.get('eid'));
  set('partyId', query.get('pid'));
  set('sessionId', query.get('sid'));
  set('pageViewId', query.get('vid'));
  set('userId', query.get('uid'));
  set('site', query.get('site'));
  const ts = query.get('ts');
  if (ts) {
    const iso = /^\d{1,15}$/.test(ts) ? instantFromMs(Number(ts)) : undefined;
    if (!iso) return `ts: must be milliseconds since the epoch, from ${INSTANT_WINDOW}`;
    fields.clientTimestamp = iso;
  }
  const url = query.get('url') ?? refererHeader;
  if (url) {
    fields.page = compact({ url, referrer: query.get('r'), title: query.get('t') });
  }
  set(
    'screen',
    compact({
      width: int(query.get('sw')),
      height: int(query.get('sh')),
      viewportWidth: int(query.get('vw')),
      viewportHeight: int(query.get('vh')),
    }),
  );
  set('locale', compact({ language: query.get('lang'), timeZone: query.get('tz') }));
  return fields;
}

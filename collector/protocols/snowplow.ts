/**
 * The Snowplow tracker protocol (payload_data over POST /com.snowplowanalytics.snowplow/tp2,
 * one event per GET /i), mapped onto our event contract. Implemented from the protocol
 * documentation and the Apache-2.0 Iglu schemas; see ../shared/tracker-protocols.md.
 */
import { assignOwn, instantFromMs, INSTANT_WINDOW, type EventType } from '../../contract';
import type { ClientFields } from '../../enrich';
import { MalformedRequest, TooLarge } from '../errors';
import { compact } from './compact';
import { parseJsonBody } from './json-body';

const PAYLOAD_DATA = /^iglu:com\.snowplowanalytics\.snowplow\/payload_data\/jsonschema\/1-0-\d+$/;
const WEB_PAGE = /^iglu:com\.snowplowanalytics\.snowplow\/web_page\/jsonschema\/1-/;
/** Screen views of the mobile trackers (and the older schema of early ones). */
const SCREEN_VIEW = /^iglu:com\.snowplowanalytics\.(mobile|snowplow)\/screen_view\/jsonschema\/1-/;
/** The mobile trackers' session entity: userId (the device's visitor id) and sessionId. */
const CLIENT_SESSION = /^iglu:com\.snowplowanalytics\.snowplow\/client_session\/jsonschema\/1-/;
const LINK_CLICK = /^iglu:com\.snowplowanalytics\.snowplow\/link_click\/jsonschema\/1-/;
const SUBMIT_FORM = /^iglu:com\.snowplowanalytics\.snowplow\/submit_form\/jsonschema\/1-/;

const EVENT_TYPES: Record<string, EventType> = {
  pv: 'pageView',
  pp: 'pagePing',
  se: 'structured',
  ue: 'selfDescribing',
  tr: 'transaction',
  ti: 'transactionItem',
};

/** A Snowplow event: every value is a string. */
export type SnowplowParams = Record<string, string>;

/** Parses a tp2 POST body into its events, with query-string parameters merged in (the query string wins). */
export function parsePayloadData(body: string, query: URLSearchParams, maxEvents: number): SnowplowParams[] {
  const parsed = parseJsonBody(body) as { schema?: unknown; data?: unknown } | null;
  if (typeof parsed?.schema !== 'string' || !PAYLOAD_DATA.test(parsed.schema)) {
    throw new MalformedRequest('schema: must be iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-*');
  }
  if (!Array.isArray(parsed.data) || parsed.data.length === 0) throw new MalformedRequest('data: must be a non-empty array of events');
  if (parsed.data.length > maxEvents) throw new TooLarge(`data has ${parsed.data.length} events, over the limit of ${maxEvents}`);
  const extra = Object.fromEntries(query);
  return parsed.data.map((item: unknown, i) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new MalformedRequest(`data[${i}]: must be an object`);
    for (const [k, v] of Object.entries(item)) {
      if (typeof v !== 'string') throw new MalformedRequest(`data[${i}].${k.slice(0, 64)}: must be a string`);
    }
    return { ...(item as SnowplowParams), ...extra };
  });
}

/** Decodes base64url (with or without `=` padding) or standard base64. */
export function decodeBase64Url(value: string): string {
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(value)) throw new Error('is not base64');
  return Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
}

/** Reads a JSON parameter sent raw (`raw`) or base64url-encoded (`encoded`). */
function jsonParam(params: SnowplowParams, raw: string, encoded: string): unknown {
  const name = params[raw] !== undefined ? raw : params[encoded] !== undefined ? encoded : undefined;
  if (!name) return undefined;
  try {
    return JSON.parse(name === raw ? params[raw] : decodeBase64Url(params[encoded]));
  } catch (err) {
    throw new Error(`${name}: ${(err as Error).message}`, { cause: err });
  }
}

interface SelfDescribing {
  schema: string;
  data: Record<string, unknown>;
}

function isSelfDescribing(v: unknown): v is SelfDescribing {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as SelfDescribing).schema === 'string' &&
    typeof (v as SelfDescribing).data === 'object'
  );
}

const num = (v: string | undefined) => (v !== undefined && v !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined);
const size = (v: string | undefined): [number, number] | undefined => {
  const m = v?.match(/^(\d{1,6})x(\d{1,6})$/);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
};
/** A time parameter (milliseconds since the epoch): absent, a timestamp, or a reason. */
const time = (name: string, v: string | undefined): { iso?: string } | string => {
  if (v === undefined || v === '') return {};
  const iso = /^\d{1,15}$/.test(v) ? instantFromMs(Number(v)) : undefined;
  return iso ? { iso } : `${name}: must be milliseconds since the epoch, from ${INSTANT_WINDOW}`;
};

/**
 * Maps one Snowplow event onto contract fields. Returns a reason string when the event
 * violates the protocol; contract validation catches the rest after enrichment.
 */
export function snowplowFields(p: SnowplowParams): ClientFields | string {
  if (!p.e) return 'e: is required';
  if (!p.tv) return 'tv: is required';
  if (!p.p) return 'p: is required';
  const eventType = EVENT_TYPES[p.e];
  if (!eventType) return `e: must be one of ${Object.keys(EVENT_TYPES).join(', ')}`;
  const f: ClientFields = { eventType };
  const set = (key: string, value: unknown) => {
    if (value !== undefined && value !== '') f[key] = value;
  };
  set('eventId', p.eid);
  set('partyId', p.duid);
  set('sessionId', p.sid);
  set('userId', p.uid);
  const dtm = time('dtm', p.dtm);
  const stm = time('stm', p.stm);
  if (typeof dtm === 'string') return dtm;
  if (typeof stm === 'string') return stm;
  set('clientTimestamp', dtm.iso);
  set('sentTimestamp', stm.iso);
  if (p.url) f.page = compact({ url: p.url, title: p.page, referrer: p.refr });
  const res = size(p.res);
  const vp = size(p.vp);
  set('screen', compact({ width: res?.[0], height: res?.[1], viewportWidth: vp?.[0], viewportHeight: vp?.[1] }));
  set('locale', compact({ language: p.lang, timeZone: p.tz }));

  let contexts: unknown;
  let unstruct: unknown;
  try {
    contexts = jsonParam(p, 'co', 'cx');
    unstruct = jsonParam(p, 'ue_pr', 'ue_px');
  } catch (err) {
    return (err as Error).message;
  }
  const entities = isSelfDescribing(contexts) && Array.isArray(contexts.data) ? (contexts.data as unknown[]).filter(isSelfDescribing) : [];
  const webPage = entities.find((c) => WEB_PAGE.test(c.schema));
  if (webPage && typeof webPage.data.id === 'string') f.pageViewId = webPage.data.id;
  // Mobile trackers send no cookies: their client_session entity names the visitor and the session.
  const clientSession = entities.find((c) => CLIENT_SESSION.test(c.schema));
  if (clientSession) {
    if (f.partyId === undefined && typeof clientSession.data.userId === 'string') f.partyId = clientSession.data.userId;
    if (f.sessionId === undefined && typeof clientSession.data.sessionId === 'string') f.sessionId = clientSession.data.sessionId;
  }
  const others = entities.filter((c) => c !== webPage);
  const properties: Record<string, unknown> = {};

  const problem = typeFields(p, unstruct, f, properties);
  if (problem) return problem;
  if (p.aid) f.site = p.aid;
  if (others.length > 0) properties.contexts = others;
  if (Object.keys(properties).length > 0) f.properties = properties;
  return f;
}

/** A screen view of a mobile tracker: the screen's name, its view id, the rest as properties. */
function screenView(data: Record<string, unknown>, f: ClientFields, properties: Record<string, unknown>): string | undefined {
  if (typeof data.name !== 'string' || data.name === '') return 'screen_view: name is required';
  f.eventType = 'screenView';
  f.eventName = data.name;
  if (typeof data.id === 'string') f.pageViewId = data.id;
  const { name: _name, id: _id, ...rest } = data;
  assignOwn(properties, rest);
  return undefined;
}

/** The fields of each event type (page ping, structured, self-describing, transaction, item); a reason when required ones are missing. */
function typeFields(p: SnowplowParams, unstruct: unknown, f: ClientFields, properties: Record<string, unknown>): string | undefined {
  switch (p.e) {
    case 'pp':
      for (const k of ['pp_mix', 'pp_max', 'pp_miy', 'pp_may'] as const) if (num(p[k]) !== undefined) properties[k] = num(p[k]);
      return undefined;
    case 'se':
      if (!p.se_ca || !p.se_ac) return 'se_ca and se_ac: are required for structured events';
      f.eventName = p.se_ac;
      Object.assign(properties, compact({ category: p.se_ca, action: p.se_ac, label: p.se_la, property: p.se_pr, value: num(p.se_va) }));
      return undefined;
    case 'ue': {
      if (!isSelfDescribing(unstruct) || !isSelfDescribing(unstruct.data))
        return 'ue_pr/ue_px: must hold an unstruct_event with a self-describing {schema, data}';
      const inner = unstruct.data;
      f.eventName = inner.schema;
      if (SCREEN_VIEW.test(inner.schema)) return screenView(inner.data, f, properties);
      assignOwn(properties, inner.data);
      if (LINK_CLICK.test(inner.schema)) f.eventType = 'linkClick';
      if (SUBMIT_FORM.test(inner.schema)) f.eventType = 'formSubmit';
      return undefined;
    }
    case 'tr':
      if (!p.tr_id) return 'tr_id: is required for transactions';
      f.commerce = compact({ action: 'purchase', orderId: p.tr_id, price: num(p.tr_tt), currency: p.tr_cu });
      Object.assign(
        properties,
        compact({ affiliation: p.tr_af, tax: num(p.tr_tx), shipping: num(p.tr_sh), city: p.tr_ci, state: p.tr_st, country: p.tr_co }),
      );
      return undefined;
    case 'ti':
      if (!p.ti_id || !p.ti_sk) return 'ti_id and ti_sk: are required for transaction items';
      f.commerce = compact({
        action: 'purchase',
        orderId: p.ti_id,
        productId: p.ti_sk,
        category: p.ti_ca,
        quantity: num(p.ti_qu),
        price: num(p.ti_pr),
        currency: p.ti_cu,
      });
      if (p.ti_nm) properties.name = p.ti_nm;
      return undefined;
  }
  return undefined;
}

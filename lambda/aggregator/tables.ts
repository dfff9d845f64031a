/**
 * What each aggregate table holds, declared once: the in-memory pre-aggregation and the SQL
 * renderer both work from these specs. Table shapes match sql/migrations/V002__aggregates.sql.
 */
import type { ColumnDef, Derived, MembershipTable, TableSpec, Value } from './table-spec';

export * from './table-spec';

const s = (v: string | undefined | null) => v ?? '';
/** Totals `[events, page views]`. */
const countEvent = (d: Derived, totals: number[]) => {
  totals[0]++;
  totals[1] += d.pv;
};
/** A single total: one per event. */
const countOne = (_d: Derived, totals: number[]) => {
  totals[0]++;
};
/** The page URL of a page view, the candidate for entry, exit, first and last page picks. */
const viewedPage = (d: Derived): Value[] | undefined => (d.pv ? [s(d.e.page?.url)] : undefined);
const NOT_NAMED = new Set(['pageView', 'pagePing']);
/** The dimensions every aggregate table splits by, last in its key: the site, and bots apart from people. */
const SPLIT: readonly ColumnDef[] = [
  ['site', 'VARCHAR'],
  ['is_bot', 'BOOLEAN'],
];
/**
 * The bot's name: the token that says it is one (`Googlebot`), else the name in
 * `(compatible; Name/1.0)`, else the leading product of a non-browser agent (`FeedBurner/1.0`),
 * else the parsed browser, else `(unknown)`. Only bots reach this, so it runs rarely.
 */
function botName(d: Derived): string {
  const ua = d.e.device?.userAgent ?? '';
  return (
    BOT_TOKEN.exec(ua)?.[0] ??
    COMPATIBLE.exec(ua)?.[1] ??
    (ua.startsWith('Mozilla/') ? undefined : LEADING_PRODUCT.exec(ua)?.[1]) ??
    d.e.device?.browser ??
    '(unknown)'
  );
}
const BOT_TOKEN = /[A-Za-z][\w.-]*(?:bot|crawl|spider|slurp|fetch|scan)[\w.-]*/i;
const COMPATIBLE = /\(compatible;\s*(?!\s|MSIE)([^;/)]+?)(?:\/[\w.]+)?\s*[;)]/i;
const LEADING_PRODUCT = /^([^/(;]+?)\s*(?:[/(;]|\s-\s|$)/;

/**
 * Event ids already applied, kept so duplicates across batches are counted once, with the day
 * they were applied: ids older than {@link SEEN_EVENTS_DAYS} are pruned (see apply.ts).
 */
export const SEEN_EVENTS: MembershipTable = {
  kind: 'membership',
  table: 'seen_events',
  columns: [
    ['event_id', 'VARCHAR'],
    ['day', 'DATE'],
  ],
  member: (d) => [d.e.eventId, d.applied],
  distinctPerEvent: true,
};

/** Days an applied event id is remembered: a copy arriving later than that is counted again. */
export const SEEN_EVENTS_DAYS = 35;

export const TABLES: readonly TableSpec[] = [
  SEEN_EVENTS,
  {
    kind: 'counter',
    table: 'traffic_hourly',
    keys: [['hour', 'TIMESTAMP'], ...SPLIT],
    counts: ['events', 'page_views'],
    keyOf: (d) => [d.hour, d.site, d.bot],
    add: countEvent,
  },
  {
    kind: 'counter',
    table: 'page_views_daily',
    keys: [['day', 'DATE'], ['host', 'VARCHAR'], ['path', 'VARCHAR'], ...SPLIT],
    counts: ['views'],
    keyOf: (d) => (d.pv ? [d.day, s(d.e.page?.host), s(d.e.page?.path), d.site, d.bot] : undefined),
    add: countOne,
  },
  {
    kind: 'counter',
    table: 'referrers_daily',
    keys: [['day', 'DATE'], ['referrer_host', 'VARCHAR'], ['referrer_medium', 'VARCHAR'], ...SPLIT],
    counts: ['page_views'],
    keyOf: (d) => {
      const medium = d.e.page?.referrerMedium ?? 'direct';
      return d.pv && medium !== 'internal' ? [d.day, s(d.e.page?.referrerHost), medium, d.site, d.bot] : undefined;
    },
    add: countOne,
  },
  {
    kind: 'counter',
    table: 'campaigns_daily',
    keys: [['day', 'DATE'], ['source', 'VARCHAR'], ['medium', 'VARCHAR'], ['name', 'VARCHAR'], ...SPLIT],
    counts: ['events', 'page_views'],
    keyOf: (d) => {
      const c = d.e.campaign;
      return c && (c.source || c.medium || c.name) ? [d.day, s(c.source), s(c.medium), s(c.name), d.site, d.bot] : undefined;
    },
    add: countEvent,
  },
  {
    kind: 'counter',
    table: 'devices_daily',
    keys: [['day', 'DATE'], ['device_type', 'VARCHAR'], ['browser', 'VARCHAR'], ['os', 'VARCHAR'], ...SPLIT],
    counts: ['events', 'page_views'],
    keyOf: (d) => [d.day, s(d.e.device?.type), s(d.e.device?.browser), s(d.e.device?.os), d.site, d.bot],
    add: countEvent,
  },
  {
    kind: 'counter',
    table: 'countries_daily',
    keys: [['day', 'DATE'], ['country', 'VARCHAR'], ...SPLIT],
    counts: ['events', 'page_views'],
    keyOf: (d) => [d.day, s(d.e.network?.country), d.site, d.bot],
    add: countEvent,
  },
  {
    kind: 'counter',
    table: 'custom_events_daily',
    keys: [['day', 'DATE'], ['event_type', 'VARCHAR'], ['event_name', 'VARCHAR'], ...SPLIT],
    counts: ['events'],
    keyOf: (d) => (NOT_NAMED.has(d.e.eventType) ? undefined : [d.day, d.e.eventType, s(d.e.eventName), d.site, d.bot]),
    add: countOne,
  },
  {
    kind: 'counter',
    table: 'brands_daily',
    keys: [['day', 'DATE'], ['brand', 'VARCHAR'], ...SPLIT],
    counts: ['events', 'views', 'purchases'],
    keyOf: (d) => (d.e.commerce?.brand ? [d.day, d.e.commerce.brand, d.site, d.bot] : undefined),
    add: (d, totals) => {
      const action = d.e.commerce?.action?.toLowerCase();
      totals[0]++;
      if (action === 'view') totals[1]++;
      if (action === 'purchase') totals[2]++;
    },
  },
  {
    kind: 'counter',
    table: 'http_status_daily',
    keys: [['day', 'DATE'], ['http_status', 'INTEGER'], ...SPLIT],
    counts: ['events'],
    keyOf: (d) => (d.e.httpStatus === undefined ? undefined : [d.day, d.e.httpStatus, d.site, d.bot]),
    add: countOne,
  },
  {
    kind: 'counter',
    table: 'session_action_urls',
    keys: [['session_id', 'VARCHAR'], ['action', 'VARCHAR'], ['url', 'VARCHAR'], ...SPLIT],
    counts: ['events', 'views'],
    keyOf: (d) => {
      const action = d.e.commerce?.action?.toLowerCase();
      return action ? [d.e.sessionId, action, s(d.e.page?.url), d.site, d.bot] : undefined;
    },
    add: (d, totals) => {
      totals[0]++;
      // As in the StreamSets sample: every action counts as a view except a purchase.
      if (d.e.commerce?.action?.toLowerCase() !== 'purchase') totals[1]++;
    },
  },
  {
    kind: 'membership',
    table: 'hourly_sessions',
    columns: [['hour', 'TIMESTAMP'], ['session_id', 'VARCHAR'], ...SPLIT],
    member: (d) => [d.hour, d.e.sessionId, d.site, d.bot],
  },
  {
    kind: 'membership',
    table: 'hourly_visitors',
    columns: [['hour', 'TIMESTAMP'], ['party_id', 'VARCHAR'], ...SPLIT],
    member: (d) => [d.hour, d.e.partyId, d.site, d.bot],
  },
  {
    kind: 'membership',
    table: 'page_visitors_daily',
    columns: [['day', 'DATE'], ['host', 'VARCHAR'], ['path', 'VARCHAR'], ['party_id', 'VARCHAR'], ...SPLIT],
    member: (d) => (d.pv ? [d.day, s(d.e.page?.host), s(d.e.page?.path), d.e.partyId, d.site, d.bot] : undefined),
  },
  {
    kind: 'membership',
    table: 'ip_sessions',
    columns: [['client_ip', 'VARCHAR'], ['session_id', 'VARCHAR'], ...SPLIT],
    member: (d) => (d.e.network?.ip ? [d.e.network.ip, d.e.sessionId, d.site, d.bot] : undefined),
  },
  {
    kind: 'membership',
    table: 'user_parties',
    columns: [['user_id', 'VARCHAR'], ['party_id', 'VARCHAR'], ...SPLIT],
    member: (d) => (d.e.userId ? [d.e.userId, d.e.partyId, d.site, d.bot] : undefined),
  },
  {
    kind: 'counter',
    table: 'bots_daily',
    keys: [
      ['day', 'DATE'],
      ['site', 'VARCHAR'],
      ['bot', 'VARCHAR'],
    ],
    counts: ['events', 'page_views'],
    keyOf: (d) => (d.bot ? [d.day, d.site, botName(d)] : undefined),
    add: countEvent,
  },
  {
    kind: 'state',
    table: 'sessions',
    key: ['session_id', 'VARCHAR'],
    keyOf: (d) => d.e.sessionId,
    sums: ['events', 'page_views'],
    add: countEvent,
    groups: [
      {
        pick: 'min',
        at: 'started_at',
        id: 'first_event_id',
        values: [
          ['party_id', 'VARCHAR'],
          ['referrer_host', 'VARCHAR'],
          ['referrer_medium', 'VARCHAR'],
          ['campaign_source', 'VARCHAR'],
          ['campaign_medium', 'VARCHAR'],
          ['campaign_name', 'VARCHAR'],
          ['device_type', 'VARCHAR'],
          ['browser', 'VARCHAR'],
          ['os', 'VARCHAR'],
          ['country', 'VARCHAR'],
          ['client_ip', 'VARCHAR'],
          ...SPLIT,
        ],
        from: ({ e, site, bot }) => [
          e.partyId,
          e.page?.referrerHost ?? null,
          e.page?.referrerMedium ?? null,
          e.campaign?.source ?? null,
          e.campaign?.medium ?? null,
          e.campaign?.name ?? null,
          e.device?.type ?? null,
          e.device?.browser ?? null,
          e.device?.os ?? null,
          e.network?.country ?? null,
          e.network?.ip ?? null,
          site,
          bot,
        ],
      },
      { pick: 'max', at: 'ended_at', id: 'last_event_id', values: [], from: () => [] },
      { pick: 'min', at: 'entry_at', id: 'entry_event_id', values: [['entry_page', 'VARCHAR']], from: viewedPage },
      { pick: 'max', at: 'exit_at', id: 'exit_event_id', values: [['exit_page', 'VARCHAR']], from: viewedPage },
    ],
  },
  {
    kind: 'state',
    table: 'visitors',
    key: ['party_id', 'VARCHAR'],
    keyOf: (d) => d.e.partyId,
    sums: ['events', 'page_views'],
    add: countEvent,
    groups: [
      { pick: 'min', at: 'first_seen_at', id: 'first_event_id', values: SPLIT, from: (d) => [d.site, d.bot] },
      { pick: 'max', at: 'last_seen_at', id: 'last_event_id', values: [], from: () => [] },
      { pick: 'min', at: 'first_page_at', id: 'first_page_event_id', values: [['first_page', 'VARCHAR']], from: viewedPage },
      { pick: 'max', at: 'last_page_at', id: 'last_page_event_id', values: [['last_page', 'VARCHAR']], from: viewedPage },
    ],
  },
];

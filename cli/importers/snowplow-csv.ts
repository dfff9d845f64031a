/**
 * Snowplow enriched ("atomic") events exported as CSV, one event per row with the standard
 * column names (collector_tstamp, event_id, domain_userid, domain_sessionid, page_url, …).
 */
import { REFERRER_MEDIUMS, SCHEMA_VERSION, type ClickEvent, type EventType, type ReferrerMedium } from '../../contract';
import { derivePage, UserAgentParser } from '../../enrich';
import { compact } from '../../collector/protocols/compact';
import { stableUuid } from './ids';
import type { RowResult } from './types';

const TYPES: Record<string, EventType> = {
  page_view: 'pageView',
  page_ping: 'pagePing',
  struct: 'structured',
  unstruct: 'selfDescribing',
  transaction: 'transaction',
  transaction_item: 'transactionItem',
};
const MEDIUMS = new Set<string>(REFERRER_MEDIUMS);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const REQUIRED = ['event_id', 'event', 'collector_tstamp', 'domain_userid', 'domain_sessionid', 'page_url'];

const time = (v: string | undefined) => (v ? new Date(`${v.replace(' ', 'T')}Z`).toISOString() : undefined);
const num = (v: string | undefined) => (v !== undefined && v !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined);

/** The CSV reader's settings: a header row, empty lines skipped, short rows allowed. */
export const SNOWPLOW_CSV = { columns: true, skip_empty_lines: true, relax_column_count: true } as const;

/** Throws naming the missing columns when the first row shows it is not a Snowplow export. */
export function checkSnowplowColumns(first: Record<string, string>): void {
  const missing = REQUIRED.filter((c) => !(c in first));
  if (missing.length > 0) throw new Error(`not a Snowplow atomic-events CSV: missing column(s) ${missing.join(', ')}`);
}

/** Converts Snowplow rows one at a time, sharing one user-agent cache. */
export function snowplowRows(): (r: Record<string, string>, line: number) => RowResult {
  const agents = new UserAgentParser(1000);
  return (r, line): RowResult => {
    const type = r.event_name === 'link_click' ? 'linkClick' : TYPES[r.event];
    if (!type) return { error: `line ${line}: unknown event "${r.event}"` };
    const partyId = r.domain_userid || r.network_userid;
    if (!partyId) return { error: `line ${line}: no domain_userid or network_userid` };
    const medium = MEDIUMS.has(r.refr_medium) ? r.refr_medium : r.refr_medium === 'unknown' ? 'external' : undefined;
    const page = r.page_url
      ? derivePage(compact({ url: r.page_url, title: r.page_title, referrer: r.page_referrer }) ?? {}, [])
      : undefined;
    if (page && medium) page.referrerMedium = medium as ReferrerMedium;
    // Hand-made exports carry ids that are not UUIDs; map them to a stable UUID (duplicates stay
    // duplicates) and keep the original.
    const validId = UUID.test(r.event_id);
    const extra = validId ? {} : { originalEventId: r.event_id };
    const event = compact({
      schemaVersion: SCHEMA_VERSION,
      eventId: validId ? r.event_id : stableUuid(`snowplow-event-id:${r.event_id}`),
      eventType: type,
      eventName: r.event === 'struct' ? r.se_action : r.event === 'unstruct' ? `${r.event_vendor}/${r.event_name}` : undefined,
      properties: compact({
        ...extra,
        ...(r.event === 'struct'
          ? { category: r.se_category, action: r.se_action, label: r.se_label, property: r.se_property, value: num(r.se_value) }
          : {}),
      }),
      source: 'import',
      site: r.app_id,
      clientTimestamp: time(r.dvce_created_tstamp),
      sentTimestamp: time(r.dvce_sent_tstamp),
      receivedTimestamp: time(r.collector_tstamp),
      partyId,
      // One row of the fixture has no session id: keep the event, in a session of its visitor.
      sessionId: r.domain_sessionid || `import:${partyId}`,
      userId: r.user_id,
      page,
      campaign: compact({
        source: r.mkt_source,
        medium: r.mkt_medium,
        name: r.mkt_campaign,
        term: r.mkt_term,
        content: r.mkt_content,
        clickId: r.mkt_clickid,
        clickIdNetwork: r.mkt_network,
      }),
      device: r.useragent ? agents.parse(r.useragent) : undefined,
      screen: compact({
        width: num(r.dvce_screenwidth),
        height: num(r.dvce_screenheight),
        viewportWidth: num(r.br_viewwidth),
        viewportHeight: num(r.br_viewheight),
      }),
      locale: compact({ language: r.br_lang, timeZone: r.os_timezone }),
      network: compact({ ip: r.user_ipaddress, country: r.geo_country }),
    });
    return { event: event as unknown as ClickEvent };
  };
}

/**
 * Enrichment: the server-side half of every event. Pure given its inputs (the user-agent
 * parser is a cache), so the collector, the importer and tests share it.
 */
import { randomUUID } from 'node:crypto';
import { SCHEMA_VERSION, setOwn, type EventSource, type Page } from '../contract';
import { anonymiseIp } from './ip';
import { campaignOf } from './campaign';
import { countryOf } from './country';
import { hostOf, referrerMedium } from './referrer';
import { splitUrl } from './url';
import type { UserAgentParser } from './user-agent';

export { clientIp, anonymiseIp } from './ip';
export { UserAgentParser } from './user-agent';

/** What the request tells about every event in it. */
export interface RequestContext {
  receivedAt: Date;
  /** Resolved client IP, before anonymisation. */
  ip: string;
  userAgent: string | undefined;
  source: EventSource;
}

/** Enrichment settings from the collector configuration. */
export interface EnrichOptions {
  anonymiseIp: boolean;
  internalDomains: readonly string[];
  userAgents: UserAgentParser;
}

/**
 * Fields a client sends; the collector owns the rest. Loosely typed on purpose: validation
 * against the contract happens after enrichment, on the finished event.
 */
export type ClientFields = Record<string, unknown> & { page?: Record<string, unknown> };

/** Builds a contract event from client fields and the request, deriving page parts, campaign, device and network. */
export function enrich(client: ClientFields, ctx: RequestContext, options: EnrichOptions): Record<string, unknown> {
  const page = client.page && typeof client.page.url === 'string' ? derivePage(client.page, options.internalDomains) : client.page;
  let campaign = client.campaign;
  if (page && campaign === undefined && typeof page.query === 'string' && CAMPAIGN_HINT.test(page.query)) {
    campaign = campaignOf(new URLSearchParams(page.query));
  }
  const country = countryOf(ctx.ip);
  const ip = options.anonymiseIp ? anonymiseIp(ctx.ip) : ctx.ip;
  // One literal in contract order: every event gets the same shape (absent fields are undefined,
  // which validation and JSON skip), so the hot path stays monomorphic.
  const event: Record<string, unknown> = {
    schemaVersion: SCHEMA_VERSION,
    eventId: client.eventId ?? randomUUID(),
    eventType: client.eventType,
    eventName: client.eventName,
    properties: client.properties,
    source: ctx.source,
    site: client.site,
    clientTimestamp: client.clientTimestamp,
    sentTimestamp: client.sentTimestamp,
    receivedTimestamp: isoTime(ctx.receivedAt),
    partyId: client.partyId,
    sessionId: client.sessionId,
    pageViewId: client.pageViewId,
    userId: client.userId,
    page,
    campaign,
    device: options.userAgents.parse(ctx.userAgent),
    screen: client.screen,
    locale: client.locale,
    network: ip || country ? (country ? (ip ? { ip, country } : { country }) : { ip }) : undefined,
    commerce: client.commerce,
    httpStatus: client.httpStatus,
  };
  // Fields outside the contract are kept so that validation names them (own keys only: a
  // client's `constructor` or `__proto__` must be named too, not mistaken for the prototype's).
  for (const key in client) if (!Object.hasOwn(event, key)) setOwn(event, key, client[key]);
  return event;
}

let lastMs = NaN;
let lastIso = '';

/** `Date#toISOString`, computed once per millisecond: requests arriving together share it. */
function isoTime(at: Date): string {
  const ms = at.getTime();
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = at.toISOString();
  }
  return lastIso;
}

/** Query strings without any of these carry no campaign fields (most page views): skip parsing them. */
const CAMPAIGN_HINT = /utm_|clid|braid|li_fat_id/;

/** Fills host, path, query, referrer host and medium from the page and referrer URLs. */
export function derivePage(page: Record<string, unknown>, internalDomains: readonly string[]): Page {
  const url = page.url as string;
  const parts = typeof url === 'string' ? splitUrl(url) : undefined;
  const referrer = page.referrer ? (page.referrer as string) : undefined;
  const referrerHost = hostOf(referrer);
  const host = parts ? parts.host : (page.host as string | undefined);
  const out: Record<string, unknown> = {
    url,
    host,
    path: parts ? parts.path : page.path,
    query: parts ? parts.query || undefined : page.query,
    title: page.title,
    referrer,
    referrerHost: referrerHost ?? page.referrerHost,
    referrerMedium: referrerMedium(referrerHost, host, internalDomains),
  };
  // Fields outside the contract are kept so that validation names them.
  for (const key in page) if (!Object.hasOwn(out, key)) setOwn(out, key, page[key]);
  return out as Page;
}

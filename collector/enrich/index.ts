/**
 * Enrichment: the server-side half of every event. Pure given its inputs (the user-agent
 * parser is a cache), so the collector, the importer and tests share it.
 */
import { randomUUID } from 'node:crypto';
import { SCHEMA_VERSION, type EventSource, type Page } from '../../contract';
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
  const event: Record<string, unknown> = {
    ...client,
    schemaVersion: SCHEMA_VERSION,
    eventId: client.eventId ?? randomUUID(),
    source: ctx.source,
    receivedTimestamp: ctx.receivedAt.toISOString(),
  };
  const page = client.page && typeof client.page.url === 'string' ? derivePage(client.page, options.internalDomains) : client.page;
  if (page) event.page = page;
  if (page && client.campaign === undefined && typeof page.query === 'string' && CAMPAIGN_HINT.test(page.query)) {
    const campaign = campaignOf(new URLSearchParams(page.query));
    if (campaign) event.campaign = campaign;
  }
  const device = options.userAgents.parse(ctx.userAgent);
  if (device) event.device = device;
  const country = countryOf(ctx.ip);
  const ip = options.anonymiseIp ? anonymiseIp(ctx.ip) : ctx.ip;
  if (ip || country) event.network = { ...(ip ? { ip } : {}), ...(country ? { country } : {}) };
  return event;
}

/** Query strings without any of these carry no campaign fields (most page views): skip parsing them. */
const CAMPAIGN_HINT = /utm_|clid|braid|li_fat_id/;

/** Fills host, path, query, referrer host and medium from the page and referrer URLs. */
export function derivePage(page: Record<string, unknown>, internalDomains: readonly string[]): Page {
  const out = { ...page } as Page;
  const parts = typeof out.url === 'string' ? splitUrl(out.url) : undefined;
  if (parts) {
    out.host = parts.host;
    out.path = parts.path;
    if (parts.query) out.query = parts.query;
    else delete out.query;
  }
  if (!out.referrer) delete out.referrer;
  const referrerHost = hostOf(out.referrer);
  if (referrerHost) out.referrerHost = referrerHost;
  out.referrerMedium = referrerMedium(referrerHost, out.host, internalDomains);
  return out;
}

/**
 * What every event-level analysis reads: the raw `events` table in a time window, people only
 * unless bots are included, one site when given. The same SQL runs on Redshift and PGlite.
 */
import { literal } from '../literal';
import { parseSince, QueryInputError } from '../named-queries';

/** The window and filters of an analysis. */
export interface Scope {
  since: Date;
  until: Date;
  includeBots?: boolean;
  site?: string;
}

/** Options as the CLI and the local API take them. */
export interface ScopeOptions {
  since?: string;
  until?: string;
  includeBots?: boolean;
  site?: string;
}

/** Reads `--since` (default 7d) and `--until` (default now) into a scope; throws naming the problem. */
export function scopeOf(o: ScopeOptions, now = new Date(), defaultSince = '7d'): Scope {
  const since = parseSince(o.since ?? defaultSince, now);
  const until = o.until === undefined ? now : parseSince(o.until, now);
  if (until <= since) throw new QueryInputError(`--until (${until.toISOString()}) must be after --since (${since.toISOString()})`);
  return { since, until, includeBots: o.includeBots, site: o.site };
}

/** A timestamp literal both warehouses read the same way. */
export const timestamp = (d: Date) => `CAST(${literal(d.toISOString().replace('T', ' ').replace('Z', ''))} AS TIMESTAMP)`;

/** The WHERE clause of the events in scope (no bots unless included; `device_is_bot` is NULL when there was no user agent). */
export function eventsInScope(s: Scope, alias = ''): string {
  const c = (name: string) => (alias ? `${alias}.${name}` : name);
  return [
    `${c('received_timestamp')} >= ${timestamp(s.since)}`,
    `${c('received_timestamp')} < ${timestamp(s.until)}`,
    ...(s.includeBots ? [] : [`COALESCE(${c('device_is_bot')}, FALSE) = FALSE`]),
    ...(s.site !== undefined ? [`COALESCE(${c('site')}, '') = ${literal(s.site)}`] : []),
  ].join(' AND ');
}

/**
 * A step or page pattern: `*` matches any run of characters (`/` included), anything else
 * itself; matched against the page path (no query string). LIKE's own wildcards are escaped.
 */
export function pathMatch(pattern: string, column = 'page_path'): string {
  if (pattern === '') throw new QueryInputError('a page pattern must not be empty (use * for any page)');
  const like = pattern.replace(/[\\%_]/g, (ch) => `\\${ch}`).replace(/\*/g, '%');
  // Both warehouses read backslashes in literals as escapes, so the escape character is written through literal() too.
  return `${column} LIKE ${literal(like)} ESCAPE ${literal('\\')}`;
}

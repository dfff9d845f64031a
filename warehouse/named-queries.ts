/**
 * The named queries in sql/queries: the questions users ask, in SQL that runs unchanged on
 * Redshift and on the local Postgres. Time windows are filled in as timestamp literals, so the
 * files need no engine-specific date functions.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { literal } from './literal';

/** Default location of the query files. */
export const QUERIES_DIR = join(__dirname, '../sql/queries');

/** One named query. */
export interface NamedQuery {
  name: string;
  description: string;
  sql: string;
}

/** A query asked for wrongly (unknown name, bad window or pattern): the asker's mistake, answered 400 by the local API. */
export class QueryInputError extends Error {}

/** The window a query looks at when `--since` is not given. */
const DEFAULT_SINCE: Record<string, string> = { 'campaign-now': '1h', traffic: '24h', 'browser-mix': '7d', 'visitor-profiles': '24h' };

/** Every query file, by name. */
export function listQueries(dir = QUERIES_DIR): NamedQuery[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => {
      const sql = readFileSync(join(dir, f), 'utf8');
      return { name: f.slice(0, -4), description: sql.split('\n')[0].replace(/^--\s*/, ''), sql };
    });
}

/**
 * Parses `--since`: a duration back from now (`30m`, `6h`, `7d`), `today` (midnight UTC), or an
 * ISO date or time. Throws a message naming the value when it is none of these.
 */
export function parseSince(value: string, now: Date): Date {
  const m = /^(\d+)([mhdw])$/.exec(value);
  if (m) return new Date(now.getTime() - Number(m[1]) * { m: 60e3, h: 3600e3, d: 86400e3, w: 604800e3 }[m[2] as 'm' | 'h' | 'd' | 'w']);
  if (value === 'today') return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const t = Date.parse(value);
  if (/^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(t)) return new Date(t);
  throw new QueryInputError(`--since "${value}": use a duration like 30m, 6h or 7d, "today", or an ISO date such as 2026-11-01`);
}

const ts = (d: Date) => `TIMESTAMP ${literal(d.toISOString().replace('T', ' ').replace('Z', ''))}`;
const WEEK = 7 * 86400e3;

/** What a named query counts: its window, whether bots count too, and which site. */
export interface QueryOptions {
  since?: string;
  now?: Date;
  /** Count bots and crawlers too (people only by default). */
  includeBots?: boolean;
  /** Only this site or app. */
  site?: string;
}

/**
 * The rows a query counts, for `{{filter}}` (or `{{filter:alias}}`): people only unless bots are
 * included, and one site when given. `{{site_filter}}` applies the site alone (the bots query).
 */
export function rowFilter(o: Pick<QueryOptions, 'includeBots' | 'site'>, alias = '', bots = !o.includeBots): string {
  const col = (name: string) => (alias ? `${alias}.${name}` : name);
  const parts = [...(bots ? [`${col('is_bot')} = FALSE`] : []), ...(o.site !== undefined ? [`${col('site')} = ${literal(o.site)}`] : [])];
  return parts.length > 0 ? parts.join(' AND ') : 'TRUE';
}

/** The query's SQL with its window and filters filled in; throws naming the query when there is no such query. */
export function renderQuery(name: string, options: QueryOptions = {}, queries = listQueries()): string {
  const q = queries.find((x) => x.name === name);
  if (!q) throw new QueryInputError(`unknown query "${name}"; known queries: ${queries.map((x) => x.name).join(', ')}`);
  const now = options.now ?? new Date();
  const since = parseSince(options.since ?? DEFAULT_SINCE[name] ?? 'today', now);
  const values: Record<string, string> = {
    since: ts(since),
    until: ts(now),
    since_last_week: ts(new Date(since.getTime() - WEEK)),
    until_last_week: ts(new Date(now.getTime() - WEEK)),
    site_filter: rowFilter(options, '', false),
  };
  return q.sql
    .split('\n')
    .filter((l) => !l.startsWith('--'))
    .join('\n')
    .replace(/\{\{(\w+)(?::(\w+))?\}\}/g, (_, k: string, alias: string | undefined) => {
      if (k === 'filter') return rowFilter(options, alias);
      if (!(k in values) || alias) throw new Error(`${name}.sql uses unknown placeholder {{${k}${alias ? `:${alias}` : ''}}}`);
      return values[k];
    })
    .trim();
}

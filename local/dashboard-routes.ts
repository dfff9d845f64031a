/**
 * The dashboard and its read-only JSON API, over any warehouse: local mode's PGlite, or a
 * deployed Redshift through the Data API (`clickstream dashboard --stack`). Every query takes
 * the dashboard's window, site and bots settings.
 */
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { send, sendJson } from '../collector/http';
import { analysis, analysisParams } from '../warehouse/analyses';
import type { StatementExecutor } from '../warehouse/executor';
import { literal } from '../warehouse/literal';
import { listQueries, parseSince, QueryInputError, renderQuery, type QueryOptions } from '../warehouse/named-queries';

const SITE = join(__dirname, 'site');
const CHART_JS = join(require.resolve('chart.js'), '../chart.umd.min.js');

/** Content types of the files served. */
export const TYPES: Record<string, string> = { '.css': 'text/css', '.js': 'application/javascript', '.html': 'text/html; charset=utf-8' };

/** Headers of every page and API answer: no sniffing, no referrers leaving. */
export const HARDENED = { 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'same-origin' };

/**
 * The dashboard shows what visitors sent, so it runs only its own files: no inline script or
 * style, nothing from elsewhere, never framed.
 */
const DASHBOARD_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** What the dashboard reads. */
export interface DashboardDeps {
  db: StatementExecutor;
  /** The status line: processors' lag and log damage in local mode, the warehouse on AWS. */
  status: () => unknown;
}

/** The dashboard's and the CLI's query settings: `since`, `include-bots=true`, `site`. */
function queryOptions(params: URLSearchParams): QueryOptions {
  return {
    since: params.get('since') ?? undefined,
    includeBots: params.get('include-bots') === 'true',
    site: params.get('site') ?? undefined,
  };
}

/** The latest raw events in the dashboard's window, site and bots setting. */
function recentSql(o: QueryOptions): string {
  const since = parseSince(o.since ?? '24h', new Date())
    .toISOString()
    .replace('T', ' ')
    .replace('Z', '');
  const filters = [
    `received_timestamp >= CAST(${literal(since)} AS TIMESTAMP)`,
    ...(o.includeBots ? [] : ['COALESCE(device_is_bot, FALSE) = FALSE']),
    ...(o.site !== undefined ? [`COALESCE(site, '') = ${literal(o.site)}`] : []),
  ];
  return (
    'SELECT received_timestamp, event_type, event_name, page_path, page_referrer_medium, campaign_source, device_browser, network_country, session_id ' +
    `FROM events WHERE ${filters.join(' AND ')} ORDER BY received_timestamp DESC LIMIT 30`
  );
}

/** Answers the rows `run` returns as JSON; a question asked wrongly gets 400 with the reason. */
export async function answer(res: ServerResponse, run: () => Promise<unknown>): Promise<void> {
  try {
    sendJson(res, 200, await run(), HARDENED);
  } catch (err) {
    sendJson(res, err instanceof QueryInputError ? 400 : 500, { error: (err as Error).message }, HARDENED);
  }
}

/** The dashboard's routes; returns true when it answered. */
export function dashboardRoutes(deps: DashboardDeps): (res: ServerResponse, url: URL) => boolean {
  const file = (name: string) => readFileSync(join(SITE, name));
  return (res, url) => {
    const path = url.pathname;
    switch (path) {
      case '/dashboard':
        send(res, 200, file('dashboard.html').toString(), {
          'Content-Type': TYPES['.html'],
          'Cache-Control': 'no-cache',
          'Content-Security-Policy': DASHBOARD_CSP,
          ...HARDENED,
        });
        return true;
      case '/assets/site.css':
      case '/assets/dashboard.css':
      case '/assets/dashboard.js':
        send(res, 200, file(path.slice(8)), {
          'Content-Type': TYPES[path.slice(path.lastIndexOf('.'))],
          'Cache-Control': 'no-cache',
          ...HARDENED,
        });
        return true;
      case '/vendor/chart.js':
        send(res, 200, readFileSync(CHART_JS), { 'Content-Type': TYPES['.js'], 'Cache-Control': 'public, max-age=86400' });
        return true;
      case '/api/queries':
        sendJson(
          res,
          200,
          listQueries().map(({ name, description }) => ({ name, description })),
        );
        return true;
      case '/api/status':
        sendJson(res, 200, deps.status(), HARDENED);
        return true;
      case '/api/sites':
        void answer(res, async () =>
          (await deps.db.query('SELECT DISTINCT site FROM traffic_hourly ORDER BY site')).map((r) => String(r.site)),
        );
        return true;
      case '/api/recent':
        void answer(res, () => deps.db.query(recentSql(queryOptions(url.searchParams))));
        return true;
    }
    if (path.startsWith('/api/analysis/')) {
      void answer(res, async () => {
        const built = analysis(decodeURIComponent(path.slice(14)), analysisParams(url.searchParams));
        return built.report(await deps.db.query(built.sql));
      });
      return true;
    }
    if (path.startsWith('/api/query/')) {
      void answer(res, () => deps.db.query(renderQuery(decodeURIComponent(path.slice(11)), queryOptions(url.searchParams))));
      return true;
    }
    return false;
  };
}

/**
 * Local mode's extra routes on the collector: the demo shop, the dashboard and its JSON API.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { TrackerScript } from '../collector/tracker-script';
import { readBody, send, sendJson } from '../collector/http';
import { validateEvent, type ClickEvent } from '../contract';
import type { StatementExecutor } from '../lambda/warehouse/executor';
import { listQueries, renderQuery } from '../lambda/warehouse/named-queries';
import type { LogConsumer } from './consumer';
import { PRODUCTS, renderPage } from './site/pages';
import { sampleWav, samplePdf } from './site/media';

const SITE = join(__dirname, 'site');
const CHART_JS = join(require.resolve('chart.js'), '../chart.umd.min.js');

const TYPES: Record<string, string> = { '.css': 'text/css', '.js': 'application/javascript', '.html': 'text/html; charset=utf-8' };

/** Dependencies of the routes. */
export interface SiteDeps {
  db: StatementExecutor;
  consumers: LogConsumer[];
  script: TrackerScript;
  /** Appends validated events to the log (imports skip enrichment: their fields are history). */
  appendEvents: (events: ClickEvent[]) => Promise<void>;
}

/** `POST /api/import`: a JSON array of contract events from `clickstream import`, appended as they are once valid. */
async function importBatch(req: IncomingMessage, res: ServerResponse, deps: SiteDeps): Promise<void> {
  try {
    const items = JSON.parse(await readBody(req, 64 * 1024 * 1024)) as unknown[];
    if (!Array.isArray(items)) return sendJson(res, 400, { error: 'body must be a JSON array of events' });
    const events: ClickEvent[] = [];
    const rejected: { index: number; reason: string }[] = [];
    items.forEach((item, index) => {
      const checked = validateEvent(item);
      if (checked.ok) events.push(checked.event);
      else rejected.push({ index, reason: checked.reason });
    });
    await deps.appendEvents(events);
    sendJson(res, rejected.length > 0 && events.length === 0 ? 400 : 200, { accepted: events.length, rejected });
  } catch (err) {
    sendJson(res, err instanceof SyntaxError ? 400 : 503, { error: (err as Error).message });
  }
}

/** A fallback route handler for the collector; returns true when it answered. */
export function siteRoutes(deps: SiteDeps): (req: IncomingMessage, res: ServerResponse) => boolean {
  const wav = sampleWav();
  const pdf = samplePdf();
  const file = (name: string) => readFileSync(join(SITE, name));
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://local');
    const path = url.pathname;
    const html = (body: string) => send(res, 200, body, { 'Content-Type': TYPES['.html'], 'Cache-Control': 'no-cache' });
    const page = renderPage(path, deps.script.versionedPath);
    if (page !== undefined) {
      html(page);
      return true;
    }
    switch (path) {
      case '/dashboard':
        html(file('dashboard.html').toString());
        return true;
      case '/assets/site.css':
      case '/assets/dashboard.js':
        send(res, 200, file(path.slice(8)), { 'Content-Type': TYPES[path.slice(path.lastIndexOf('.'))], 'Cache-Control': 'no-cache' });
        return true;
      case '/vendor/chart.js':
        send(res, 200, readFileSync(CHART_JS), { 'Content-Type': TYPES['.js'], 'Cache-Control': 'public, max-age=86400' });
        return true;
      case '/media/jingle.wav':
        send(res, 200, wav, { 'Content-Type': 'audio/wav' });
        return true;
      case '/downloads/catalogue.pdf':
        send(res, 200, pdf, { 'Content-Type': 'application/pdf' });
        return true;
      case '/api/products':
        sendJson(res, 200, PRODUCTS);
        return true;
      case '/api/queries':
        sendJson(res, 200, listQueries().map(({ name, description }) => ({ name, description })));
        return true;
      case '/api/status':
        sendJson(res, 200, { consumers: deps.consumers.map((c) => ({ name: c.processor.name, lag: c.lag(), error: c.lastError?.message ?? null })) });
        return true;
      case '/api/recent':
        void answer(res, () =>
          deps.db.query(
            'SELECT received_timestamp, event_type, event_name, page_path, page_referrer_medium, campaign_source, device_browser, network_country, session_id FROM events ORDER BY received_timestamp DESC LIMIT 30',
          ),
        );
        return true;
    }
    if (path === '/api/import' && req.method === 'POST') {
      void importBatch(req, res, deps);
      return true;
    }
    if (path.startsWith('/api/query/')) {
      void answer(res, () => deps.db.query(renderQuery(decodeURIComponent(path.slice(11)), { since: url.searchParams.get('since') ?? undefined })));
      return true;
    }
    return false;
  };
}

async function answer(res: ServerResponse, run: () => Promise<unknown[]>): Promise<void> {
  try {
    sendJson(res, 200, await run());
  } catch (err) {
    const message = (err as Error).message;
    sendJson(res, /^unknown query|^--since/.test(message) ? 400 : 500, { error: message });
  }
}

/**
 * Local mode's extra routes on the collector: the demo shop, the dashboard and its JSON API.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { TrackerScript } from '../collector/tracker-script';
import { ClientError } from '../collector/errors';
import { readBody, send, sendJson } from '../collector/http';
import { parseJsonBody } from '../collector/protocols/json-body';
import { badEvent, validateEvent, type BadEvent, type ClickEvent } from '../contract';
import type { StatementExecutor } from '../warehouse/executor';
import type { Damage } from '../durable-log/log';
import { parseRange, type TimeRange } from '../replay/range';
import type { ReplayProgress } from '../replay/replay';
import { personOf, type ForgetReport, type Person } from '../privacy/forget';
import type { LogConsumer } from './consumer';
import { dashboardRoutes, HARDENED, TYPES } from './dashboard-routes';
import { PRODUCTS, renderPage } from './site/pages';
import { sampleWav, samplePdf } from './site/media';

const SITE = join(__dirname, 'site');
/** The demo shop shows only its own fixed catalogue; its inline handlers keep the demo readable. */
const SHOP_CSP =
  "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self'; img-src 'self' data:; media-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** The largest import batch (the CLI sends 2,000 events, well under 4 MiB). */
export const MAX_IMPORT_BYTES = 8 * 1024 * 1024;

/** Dependencies of the routes. */
export interface SiteDeps {
  db: StatementExecutor;
  consumers: LogConsumer[];
  script: TrackerScript;
  /** Appends validated events to the log (imports skip enrichment: their fields are history). */
  appendEvents: (events: ClickEvent[]) => Promise<void>;
  /** Appends refused input to the bad-events topic. */
  appendBad: (bad: BadEvent[]) => Promise<void>;
  /** Damage the log found at open or since (skipped, torn, cut). */
  damage: () => readonly Damage[];
  /** Replays archived events received in a range onto the replay topic. */
  replay: (range: TimeRange) => Promise<ReplayProgress>;
  /** Forgets a person in the warehouse and the archive. */
  forget: (person: Person) => Promise<ForgetReport>;
}

/**
 * True when the request may change state: no browser marks it as coming from another site.
 * A page elsewhere can post a text/plain form or `fetch` to localhost; browsers then send
 * `Sec-Fetch-Site: cross-site` and an `Origin` naming that page. The CLI sends neither.
 */
export function fromSameOrigin(req: IncomingMessage): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/**
 * `POST /api/import`: a JSON array of contract events from `clickstream import`, appended as
 * they are once valid; refused items and unreadable bodies go to the bad-events topic.
 */
async function importBatch(req: IncomingMessage, res: ServerResponse, deps: SiteDeps): Promise<void> {
  if (!fromSameOrigin(req))
    return sendJson(res, 403, { error: 'imports are accepted from this machine only, not from web pages' }, HARDENED);
  if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) {
    return sendJson(res, 415, { error: 'Content-Type must be application/json' }, HARDENED);
  }
  const origin = 'local:/api/import';
  try {
    const body = await readBody(req, { maxBytes: MAX_IMPORT_BYTES, timeoutMs: 60_000 });
    let items: unknown;
    try {
      items = parseJsonBody(body);
      if (!Array.isArray(items)) throw new Error('body must be a JSON array of events');
    } catch (err) {
      await deps.appendBad([badEvent('protocol_violation', (err as Error).message, origin, body)]);
      return sendJson(res, 400, { error: (err as Error).message }, HARDENED);
    }
    const events: ClickEvent[] = [];
    const bad: BadEvent[] = [];
    const rejected: { index: number; reason: string }[] = [];
    items.forEach((item: unknown, index) => {
      const checked = validateEvent(item);
      if (checked.ok) {
        events.push(checked.event);
        return;
      }
      rejected.push({ index, reason: checked.reason });
      bad.push(badEvent('schema_violation', checked.reason, origin, JSON.stringify(item)));
    });
    await Promise.all([deps.appendEvents(events), bad.length > 0 ? deps.appendBad(bad) : undefined]);
    sendJson(res, rejected.length > 0 && events.length === 0 ? 400 : 200, { accepted: events.length, rejected }, HARDENED);
  } catch (err) {
    if (err instanceof ClientError) return refuse(res, err, deps, origin);
    if (!res.destroyed) sendJson(res, 503, { error: (err as Error).message }, HARDENED);
  }
}

/**
 * A CLI command run by the running local mode (the only writer of its log and warehouse):
 * same-origin only, its parameters read by `parse` (400 with the reason), its result as JSON
 * (503 when a store fails).
 */
async function localCommand<P>(
  req: IncomingMessage,
  res: ServerResponse,
  what: string,
  parse: () => P,
  run: (params: P) => Promise<unknown>,
): Promise<void> {
  if (!fromSameOrigin(req))
    return sendJson(res, 403, { error: `${what} is accepted from this machine only, not from web pages` }, HARDENED);
  let params: P;
  try {
    params = parse();
  } catch (err) {
    return sendJson(res, 400, { error: (err as Error).message }, HARDENED);
  }
  try {
    sendJson(res, 200, await run(params), HARDENED);
  } catch (err) {
    if (!res.destroyed) sendJson(res, 503, { error: (err as Error).message }, HARDENED);
  }
}

/** Keeps a refused import body on the bad stream and answers its 4xx; 503 when even the bad stream cannot take it. */
async function refuse(res: ServerResponse, err: ClientError, deps: SiteDeps, origin: string): Promise<void> {
  try {
    await deps.appendBad([badEvent(err.failureType, err.message, origin, err.payload ?? '')]);
  } catch (sinkErr) {
    if (!res.destroyed) sendJson(res, 503, { error: (sinkErr as Error).message }, HARDENED);
    return;
  }
  if (!res.destroyed) sendJson(res, err.status, { error: err.message }, { ...HARDENED, Connection: 'close' });
}

/** A fallback route handler for the collector; returns true when it answered. */
export function siteRoutes(deps: SiteDeps): (req: IncomingMessage, res: ServerResponse) => boolean {
  const wav = sampleWav();
  const pdf = samplePdf();
  const file = (name: string) => readFileSync(join(SITE, name));
  const dashboard = dashboardRoutes({
    db: deps.db,
    status: () => ({
      consumers: deps.consumers.map((c) => ({ name: c.processor.name, lag: c.lag(), error: c.lastError?.message ?? null })),
      damage: deps.damage(),
    }),
  });
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://local');
    const path = url.pathname;
    const html = (body: string, csp: string) =>
      send(res, 200, body, { 'Content-Type': TYPES['.html'], 'Cache-Control': 'no-cache', 'Content-Security-Policy': csp, ...HARDENED });
    const page = renderPage(path, deps.script.versionedPath);
    if (page !== undefined) {
      html(page, SHOP_CSP);
      return true;
    }
    if (dashboard(res, url)) return true;
    switch (path) {
      case '/assets/site.css':
        send(res, 200, file('site.css'), { 'Content-Type': TYPES['.css'], 'Cache-Control': 'no-cache', ...HARDENED });
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
    }
    if (path === '/api/import' && req.method === 'POST') {
      void importBatch(req, res, deps);
      return true;
    }
    const param = (name: string) => url.searchParams.get(name) ?? undefined;
    if (path === '/api/forget' && req.method === 'POST') {
      void localCommand(req, res, 'forget', () => personOf({ user: param('user'), party: param('party') }), deps.forget);
      return true;
    }
    if (path === '/api/replay' && req.method === 'POST') {
      void localCommand(req, res, 'replay', () => parseRange(param('since') ?? '', param('until'), new Date()), deps.replay);
      return true;
    }
    return false;
  };
}

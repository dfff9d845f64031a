/**
 * The collector's HTTP service: routes, ids, CORS, limits and graceful shutdown around
 * the shared ingest path.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import type { EventSource } from '../contract';
import type { CollectorConfig } from './config';
import {
  idFromCookie, newId, newUuid, parseCookies, setCookie,
  PARTY_COOKIE, PARTY_MAX_AGE_S, SESSION_COOKIE, SESSION_MAX_AGE_S, SNOWPLOW_COOKIE, SNOWPLOW_MAX_AGE_S,
} from './cookies';
import { corsHeaders, preflightHeaders } from './cors';
import { clientIp, UserAgentParser, type ClientFields, type RequestContext } from './enrich';
import { HandOff, Unavailable } from './handoff';
import { readBody, send, sendGif, sendJson } from './http';
import { ingest, rejectRequest, type IngestDeps, type Item } from './ingest';
import { Metrics } from './metrics';
import { parsing, RequestError } from './protocols/errors';
import { clientFieldsOf, parseBatch, pixelFields } from './protocols/own';
import { parsePayloadData, snowplowFields, type SnowplowParams } from './protocols/snowplow';
import type { Sink } from './sinks/sink';
import type { TrackerScript } from './tracker-script';

/** Snowplow's well-known POST path. */
export const SNOWPLOW_POST_PATH = '/com.snowplowanalytics.snowplow/tp2';
const ANONYMOUS_NUID = '00000000-0000-0000-0000-000000000000';

/** Something that logs structured lines (Powertools Logger fits). */
export interface Log {
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

/** A running collector. */
export interface Collector {
  server: Server;
  metrics: Metrics;
  handoff: HandOff;
  /** Starts listening; resolves with the bound address. */
  listen(): Promise<AddressInfo>;
  /** Health off, stop accepting, drain in-flight requests, close the sink; bounded by the shutdown timeout. */
  shutdown(): Promise<void>;
}

/** Optional parts: the tracker script and extra static routes (local mode serves its demo site through them). */
export interface CollectorExtras {
  script?: TrackerScript;
  /** Called for requests no collector route matched; returns true when it answered. */
  fallback?: (req: IncomingMessage, res: ServerResponse) => boolean;
}

/** Builds the collector around a sink. */
export function createCollector(config: CollectorConfig, sink: Sink, log: Log, extras: CollectorExtras = {}): Collector {
  const metrics = new Metrics();
  const handoff = new HandOff(sink, metrics, config.maxBufferedEvents, config.sinkTimeoutMs);
  const deps: IngestDeps = {
    handoff,
    metrics,
    topics: config.topics,
    enrich: { anonymiseIp: config.anonymiseIp, internalDomains: config.internalDomains, userAgents: new UserAgentParser(1000) },
  };
  const cookieOptions = { domain: config.cookieDomain, secure: config.cookieSecure };
  let draining = false;
  let closing = false;

  const context = (req: IncomingMessage, source: EventSource, anonymous = false): RequestContext => ({
    receivedAt: new Date(),
    ip: anonymous ? '' : clientIp(header(req, 'x-forwarded-for'), req.socket.remoteAddress, config.trustedProxies),
    userAgent: header(req, 'user-agent'),
    source,
  });

  const optedOut = (req: IncomingMessage) =>
    config.respectDoNotTrack && (req.headers.dnt === '1' || req.headers['sec-gpc'] === '1');

  /**
   * Party and session ids for requests that may carry none (pixels, Snowplow without duid/sid):
   * the request's own ids, else the first-party cookies, else new ones. The cookies are (re)set to
   * the ids used, so the next hit continues the same visitor and session.
   */
  const serverIds = (req: IncomingMessage, cookies: string[], given: Record<string, unknown> = {}) => {
    const jar = parseCookies(req.headers.cookie);
    const partyId = typeof given.partyId === 'string' ? given.partyId : (idFromCookie(jar, PARTY_COOKIE) ?? newId());
    const sessionId = typeof given.sessionId === 'string' ? given.sessionId : (idFromCookie(jar, SESSION_COOKIE) ?? newId());
    cookies.push(setCookie(PARTY_COOKIE, partyId, PARTY_MAX_AGE_S, cookieOptions), setCookie(SESSION_COOKIE, sessionId, SESSION_MAX_AGE_S, cookieOptions));
    return { partyId, sessionId };
  };

  async function collectJson(req: IncomingMessage, res: ServerResponse, cors: Record<string, string>): Promise<void> {
    const body = await readBody(req, config.maxBodyBytes);
    const items = parsing(body, (b) => parseBatch(b, config.maxBatchEvents)).map((raw): Item => {
      const fields = clientFieldsOf(raw);
      return typeof fields === 'string' ? { reason: fields, raw } : { fields, raw };
    });
    const result = await ingest(items, context(req, 'tracker'), 'collector:/collect', deps);
    sendJson(res, result.accepted === 0 ? 400 : 200, result, cors);
  }

  async function pixel(req: IncomingMessage, res: ServerResponse, query: URLSearchParams, cors: Record<string, string>): Promise<void> {
    const cookies: string[] = [];
    const fields = pixelFields(query, header(req, 'referer'));
    // The query becomes a plain object only if the event is rejected (see ingest).
    const item: Item = typeof fields === 'string' ? { reason: fields, raw: query } : { fields: withIds(fields, serverIds(req, cookies, fields)), raw: query };
    const result = await ingest([item], context(req, 'pixel'), 'collector:/p.gif', deps);
    const headers: Record<string, string | string[]> = { ...cors, 'Set-Cookie': cookies };
    if (result.accepted === 0) headers['X-Reject-Reason'] = result.rejected[0].reason;
    sendGif(res, result.accepted === 1 ? 200 : 400, headers);
  }

  async function snowplow(req: IncomingMessage, res: ServerResponse, events: SnowplowParams[], cors: Record<string, string>, gif: boolean): Promise<void> {
    const anonymous = req.headers['sp-anonymous'] !== undefined;
    const cookies: string[] = [];
    const jar = parseCookies(anonymous ? undefined : req.headers.cookie);
    let nuid = ANONYMOUS_NUID;
    if (anonymous) {
      if (req.headers.cookie?.includes(`${SNOWPLOW_COOKIE}=`)) cookies.push(setCookie(SNOWPLOW_COOKIE, '', 0, cookieOptions));
    } else {
      nuid = events[0].tnuid || events[0].nuid || idFromCookie(jar, SNOWPLOW_COOKIE) || newUuid();
      cookies.push(setCookie(SNOWPLOW_COOKIE, nuid, SNOWPLOW_MAX_AGE_S, cookieOptions));
    }
    let fallback: { partyId: string; sessionId: string } | undefined;
    const items = events.map((raw): Item => {
      const fields = snowplowFields(raw);
      if (typeof fields === 'string') return { reason: fields, raw };
      fields.partyId ??= nuid;
      if (fields.sessionId === undefined) {
        fallback ??= anonymous ? { partyId: nuid, sessionId: newId() } : serverIds(req, cookies);
        fields.sessionId = fallback.sessionId;
      }
      return { fields, raw };
    });
    const origin = gif ? 'collector:/i' : `collector:${SNOWPLOW_POST_PATH}`;
    const result = await ingest(items, context(req, 'snowplow', anonymous), origin, deps);
    const headers = { ...cors, 'Set-Cookie': cookies };
    // Snowplow's tracker does not retry a 400: right for events that can never become valid.
    if (gif) sendGif(res, result.accepted > 0 ? 200 : 400, headers);
    else if (result.accepted > 0) send(res, 200, 'ok', { 'Content-Type': 'text/plain', ...headers });
    else sendJson(res, 400, result, headers);
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const query = new URLSearchParams(q === -1 ? '' : url.slice(q + 1));
    const method = req.method ?? 'GET';
    const cors = corsHeaders(req, config.allowedOrigins);
    const isGet = method === 'GET' || method === 'HEAD';

    if (method === 'OPTIONS') return send(res, 204, '', preflightHeaders(req, config.allowedOrigins));
    if (isGet && path === '/health') {
      const ok = !draining && handoff.isHealthy();
      return sendJson(res, ok ? 200 : 503, { status: ok ? 'ok' : draining ? 'draining' : 'sink unavailable', buffered: metrics.buffered });
    }
    if (isGet && path === '/metrics') return send(res, 200, metrics.prometheus(), { 'Content-Type': 'text/plain; version=0.0.4' });
    if (isGet && extras.script?.serves(path)) return extras.script.respond(path, req, res);

    const collecting = (method === 'POST' && (path === '/collect' || path === SNOWPLOW_POST_PATH)) || (isGet && (path === '/p.gif' || path === '/i'));
    if (collecting && optedOut(req)) {
      return path === '/p.gif' || path === '/i' ? sendGif(res, 200, cors) : send(res, 204, '', cors);
    }
    if (method === 'POST' && path === '/collect') return collectJson(req, res, cors);
    if (isGet && path === '/p.gif') return pixel(req, res, query, cors);
    if (method === 'POST' && path === SNOWPLOW_POST_PATH) {
      const body = await readBody(req, config.maxBodyBytes);
      return snowplow(req, res, parsing(body, (b) => parsePayloadData(b, query, config.maxBatchEvents)), cors, false);
    }
    if (isGet && path === '/i') {
      if (query.size === 0) throw new RequestError(400, 'query string is empty: a Snowplow GET carries one event in it');
      return snowplow(req, res, [Object.fromEntries(query)], cors, true);
    }
    if (extras.fallback?.(req, res)) return;
    send(res, 404, `no route for ${method} ${path}\n`, { 'Content-Type': 'text/plain', ...cors });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      await route(req, res);
    } catch (err) {
      const cors = corsHeaders(req, config.allowedOrigins);
      if (err instanceof Unavailable) {
        metrics.unavailable++;
        log.warn('sink unavailable', { reason: err.message });
        return send(res, 503, `${err.message}; retry later\n`, { 'Content-Type': 'text/plain', 'Retry-After': '1', ...cors });
      }
      if (err instanceof RequestError) {
        const url = req.url ?? '';
        const payload = err.payload ?? (url.includes('?') ? url.slice(url.indexOf('?') + 1) : '');
        try {
          await rejectRequest(err.status === 413 ? 'size_violation' : 'protocol_violation', err.message, `collector:${url.split('?')[0]}`, payload, deps);
        } catch (sinkErr) {
          metrics.unavailable++;
          return send(res, 503, `${(sinkErr as Error).message}; retry later\n`, { 'Content-Type': 'text/plain', 'Retry-After': '1', ...cors });
        }
        return send(res, err.status, `${err.message}\n`, { 'Content-Type': 'text/plain', ...cors });
      }
      log.error('request failed', { error: (err as Error).message, path: req.url?.split('?')[0] });
      if (!res.headersSent) send(res, 500, 'internal error\n', { 'Content-Type': 'text/plain', ...cors });
    }
  }

  const server = createServer({ maxHeaderSize: config.maxHeaderBytes, keepAliveTimeout: config.keepAliveTimeoutMs, requestTimeout: 30000 }, (req, res) => {
    // While closing, answer what arrives on open connections but tell clients to reconnect elsewhere.
    if (closing) res.shouldKeepAlive = false;
    void handle(req, res);
  });
  // headersTimeout must exceed keepAliveTimeout or Node closes idle ALB connections early.
  server.headersTimeout = config.keepAliveTimeoutMs + 1000;
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
    const reason = tooLarge ? `request headers exceed ${config.maxHeaderBytes} bytes\n` : 'malformed HTTP request\n';
    const status = tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\nContent-Type: text/plain\r\nContent-Length: ${reason.length}\r\nConnection: close\r\n\r\n${reason}`);
  });

  return {
    server,
    metrics,
    handoff,
    listen: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => resolve(server.address() as AddressInfo));
      }),
    async shutdown() {
      draining = true;
      const deadline = Date.now() + config.shutdownTimeoutMs;
      await sleep(config.shutdownDelayMs);
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const remaining = () => Math.max(0, deadline - Date.now());
      await Promise.race([closed, sleep(remaining())]);
      server.closeAllConnections();
      await Promise.race([sink.close(), sleep(remaining())]);
    },
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

/** Fills the server-side ids into freshly parsed pixel fields (mutated: they belong to this request). */
function withIds(fields: ClientFields, ids: { partyId: string; sessionId: string }): ClientFields {
  fields.partyId ??= ids.partyId;
  fields.sessionId ??= ids.sessionId;
  return fields;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

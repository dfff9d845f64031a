/**
 * The route table and the dispatcher: which endpoint answers a method and path, CORS
 * preflights, the tracker script, Do-Not-Track, and the fallback for local mode's site.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { corsHeaders, preflightHeaders } from './cors';
import { collectJson, pixel } from './endpoints/own';
import { health, prometheus } from './endpoints/service';
import { SNOWPLOW_POST_PATH, snowplowGet, snowplowPost } from './endpoints/snowplow';
import type { CollectorParts, Endpoint, Exchange } from './endpoints/context';
import { send, sendGif } from './http';
import type { TrackerScript } from './tracker-script';

/** One route: exact path, the methods it answers, and whether it collects events. */
interface Route {
  path: string;
  methods: readonly string[];
  endpoint: Endpoint;
  /** `pixel`: answered with the GIF when the visitor opted out; `json`: with 204. */
  collects?: 'pixel' | 'json';
}

const GET = ['GET', 'HEAD'] as const;
const POST = ['POST'] as const;

/** Every collector route. */
export const ROUTES: readonly Route[] = [
  { path: '/health', methods: GET, endpoint: health },
  { path: '/metrics', methods: GET, endpoint: prometheus },
  { path: '/collect', methods: POST, endpoint: collectJson, collects: 'json' },
  { path: '/p.gif', methods: GET, endpoint: pixel, collects: 'pixel' },
  { path: SNOWPLOW_POST_PATH, methods: POST, endpoint: snowplowPost, collects: 'json' },
  { path: '/i', methods: GET, endpoint: snowplowGet, collects: 'pixel' },
];

const BY_PATH = new Map(ROUTES.map((r) => [r.path, r]));

/** Optional parts: the tracker script and extra routes (local mode serves its demo site through them). */
export interface CollectorExtras {
  script?: TrackerScript;
  /** Called for requests no collector route matched; returns true when it answered. */
  fallback?: (req: IncomingMessage, res: ServerResponse) => boolean;
}

/** Answers one request (errors propagate to the error reply). */
export async function dispatch(req: IncomingMessage, res: ServerResponse, parts: CollectorParts, extras: CollectorExtras): Promise<void> {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const method = req.method ?? 'GET';
  const origins = parts.config.allowedOrigins;
  if (method === 'OPTIONS') return send(res, 204, '', preflightHeaders(req, origins));
  const cors = corsHeaders(req, origins);
  const route = BY_PATH.get(path);
  if (route?.methods.includes(method)) {
    if (route.collects && optedOut(req, parts)) return route.collects === 'pixel' ? sendGif(res, 200, cors) : send(res, 204, '', cors);
    const exchange: Exchange = { req, res, path, query: new URLSearchParams(q === -1 ? '' : url.slice(q + 1)), cors };
    return route.endpoint(exchange, parts);
  }
  if ((method === 'GET' || method === 'HEAD') && extras.script?.serves(path)) return extras.script.respond(path, req, res);
  if (extras.fallback?.(req, res)) return;
  send(res, 404, `no route for ${method} ${path.slice(0, 200)}\n`, { 'Content-Type': 'text/plain', ...cors });
}

function optedOut(req: IncomingMessage, { config }: CollectorParts): boolean {
  return config.respectDoNotTrack && (req.headers.dnt === '1' || req.headers['sec-gpc'] === '1');
}

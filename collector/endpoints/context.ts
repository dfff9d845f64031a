/** What every endpoint receives: the collector's shared parts and the request's own. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EventSource } from '../../contract';
import type { CollectorConfig } from '../config';
import type { CookieOptions } from '../cookies';
import { clientIp, type RequestContext } from '../../enrich';
import type { HandOff } from '../handoff';
import type { IngestDeps } from '../ingest';
import type { Metrics } from '../metrics';

/** Something that logs structured lines (Powertools Logger fits). */
export interface Log {
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

/** Parts shared by every request of one collector. */
export interface CollectorParts {
  config: CollectorConfig;
  metrics: Metrics;
  handoff: HandOff;
  ingest: IngestDeps;
  cookies: CookieOptions;
  log: Log;
  /** True once shutdown began: health answers 503 so the load balancer stops sending. */
  isDraining(): boolean;
}

/** One request as the router hands it to an endpoint. */
export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  path: string;
  query: URLSearchParams;
  /** CORS headers for this request's origin (empty when not allowed). */
  cors: Record<string, string>;
}

/** An endpoint: answers one request. */
export type Endpoint = (x: Exchange, parts: CollectorParts) => Promise<void> | void;

/** The value of a request header, repeated headers joined. */
export function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

/** What the request tells about every event in it; `anonymous` drops the IP (Snowplow's SP-Anonymous). */
export function requestContext(req: IncomingMessage, source: EventSource, parts: CollectorParts, anonymous = false): RequestContext {
  return {
    receivedAt: new Date(),
    ip: anonymous ? '' : clientIp(header(req, 'x-forwarded-for'), req.socket.remoteAddress, parts.config.trustedProxies),
    userAgent: header(req, 'user-agent'),
    source,
  };
}

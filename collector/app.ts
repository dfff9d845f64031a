/**
 * The collector: its shared parts (hand-off, metrics, enrichment settings), the router and the
 * server, wired together. Each concern lives in its own module: routes.ts (the route table),
 * endpoints/ (one function per endpoint), ids.ts (ids and cookies), replies.ts (error replies),
 * server.ts (timeouts and shutdown).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CollectorConfig } from './config';
import type { CollectorParts, Log } from './endpoints/context';
import { UserAgentParser } from '../enrich';
import { HandOff } from './handoff';
import { Metrics } from './metrics';
import { replyError } from './replies';
import { dispatch, type CollectorExtras } from './routes';
import { collectorServer } from './server';
import type { Sink } from './sinks/sink';

export type { Log } from './endpoints/context';
export type { CollectorExtras } from './routes';
export { SNOWPLOW_POST_PATH } from './endpoints/snowplow';

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

/** Builds the collector around a sink. */
export function createCollector(config: CollectorConfig, sink: Sink, log: Log, extras: CollectorExtras = {}): Collector {
  const metrics = new Metrics();
  const handoff = new HandOff(sink, metrics, config.maxBufferedEvents, config.sinkTimeoutMs);
  const parts: CollectorParts = {
    config,
    metrics,
    handoff,
    log,
    cookies: { domain: config.cookieDomain, secure: config.cookieSecure, partyMaxAgeS: config.partyCookieDays * 86400 },
    ingest: {
      handoff,
      metrics,
      topics: config.topics,
      enrich: { anonymiseIp: config.anonymiseIp, internalDomains: config.internalDomains, userAgents: new UserAgentParser(1000) },
    },
    isDraining: () => http.isDraining(),
  };
  const http = collectorServer(config, (req, res) => {
    dispatch(req, res, parts, extras)
      .catch((err: unknown) => replyError(err, req, res, parts))
      .catch((err: unknown) => {
        // The reply itself failed (the socket broke mid-answer): nothing left to tell this client.
        log.error('error reply failed', { error: (err as Error).message });
        res.destroy();
      });
  });
  return {
    server: http.server,
    metrics,
    handoff,
    listen: () =>
      new Promise((resolve, reject) => {
        http.server.once('error', reject);
        http.server.listen(config.port, config.host, () => resolve(http.server.address() as AddressInfo));
      }),
    shutdown: () => http.shutdown(() => sink.close()),
  };
}

/**
 * The one error reply: a {@link ClientError} becomes its 4xx and a bad event with the payload,
 * {@link Unavailable} (or a sink that cannot even take the bad event) a 503 with Retry-After,
 * anything else a logged 500.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { corsHeaders } from './cors';
import type { CollectorParts } from './endpoints/context';
import { ClientError, Unavailable } from './errors';
import { send } from './http';
import { rejectRequest } from './ingest';

/** Answers a request whose handling threw. */
export async function replyError(err: unknown, req: IncomingMessage, res: ServerResponse, parts: CollectorParts): Promise<void> {
  const cors = corsHeaders(req, parts.config.allowedOrigins);
  const url = req.url ?? '';
  const q = url.indexOf('?');
  if (err instanceof ClientError) {
    const payload = err.payload ?? (q === -1 ? '' : url.slice(q + 1));
    try {
      await rejectRequest(err.failureType, err.message, `collector:${q === -1 ? url : url.slice(0, q)}`, payload, parts.ingest);
    } catch (sinkErr) {
      return unavailable(res, sinkErr as Error, cors, parts);
    }
    if (res.destroyed || res.headersSent) return;
    // A refused body may not have been read to its end: close rather than parse the rest as a request.
    const close: Record<string, string> = err.status === 408 || err.status === 413 ? { Connection: 'close' } : {};
    return send(res, err.status, `${err.message}\n`, { 'Content-Type': 'text/plain', ...close, ...cors });
  }
  if (err instanceof Unavailable) return unavailable(res, err, cors, parts);
  parts.log.error('request failed', { error: (err as Error).message, path: q === -1 ? url : url.slice(0, q) });
  if (!res.headersSent && !res.destroyed) send(res, 500, 'internal error\n', { 'Content-Type': 'text/plain', ...cors });
}

function unavailable(res: ServerResponse, err: Error, cors: Record<string, string>, parts: CollectorParts): void {
  parts.metrics.unavailable++;
  parts.log.warn('sink unavailable', { reason: err.message });
  if (res.headersSent || res.destroyed) return;
  const message = err instanceof Unavailable ? err.message : `sink write failed: ${err.message}`;
  send(res, 503, `${message}; retry later\n`, { 'Content-Type': 'text/plain', 'Retry-After': '1', ...cors });
}

/** Small HTTP helpers: bounded, timed body reading and responses. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RequestAborted, RequestTimedOut, TooLarge } from './errors';

/** Limits on reading one body. */
export interface BodyLimits {
  maxBytes: number;
  /** The whole body must arrive within this many milliseconds of the call. */
  timeoutMs: number;
}

/**
 * Reads the body as UTF-8. Refuses more than `maxBytes` with 413, a body still incomplete
 * after `timeoutMs` with 408, and a client that goes away mid-body; each error carries what
 * arrived (at most `maxBytes` and one chunk) for the bad-events stream.
 */
export function readBody(req: IncomingMessage, limits: BodyLimits): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const received = () => Buffer.concat(chunks).toString('utf8');
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.resume();
      reject(err);
    };
    const timer = setTimeout(
      () => fail(new RequestTimedOut(`body not received within ${limits.timeoutMs} ms (${size} bytes arrived)`, received())),
      limits.timeoutMs,
    );
    if (declared > limits.maxBytes) {
      fail(new TooLarge(`body is ${declared} bytes, over the limit of ${limits.maxBytes}`, ''));
      return;
    }
    req.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      chunks.push(chunk);
      if (size > limits.maxBytes) fail(new TooLarge(`body is ${size} bytes, over the limit of ${limits.maxBytes}`, received()));
    });
    req.on('end', () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(Buffer.concat(chunks, size).toString('utf8'));
    });
    // 'close' before 'end': the client went away (an 'error' may come first, or not at all).
    req.on('error', (err) => fail(new RequestAborted(`request aborted after ${size} bytes: ${err.message}`, received())));
    req.on('close', () => fail(new RequestAborted(`request aborted after ${size} bytes`, received())));
  });
}

/** The 43-byte transparent 1×1 GIF every pixel endpoint answers with. */
export const GIF = Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64');

/** Sends a response with a body and headers (Content-Length always set, so keep-alive works). */
export function send(res: ServerResponse, status: number, body: string | Buffer, headers: Record<string, string | string[]> = {}): void {
  const payload = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, { 'Content-Length': String(payload.length), ...headers });
  res.end(res.req.method === 'HEAD' ? undefined : payload);
}

const GIF_LENGTH = String(GIF.length);

/** A JSON response. */
export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string | string[]> = {}): void {
  send(res, status, JSON.stringify(value), { 'Content-Type': 'application/json', ...headers });
}

/** The pixel response: the GIF, never cached. `headers` is added to (callers pass a fresh object). */
export function sendGif(res: ServerResponse, status: number, headers: Record<string, string | string[]> = {}): void {
  headers['Content-Type'] = 'image/gif';
  headers['Cache-Control'] = 'no-cache, no-store, must-revalidate';
  headers['Content-Length'] = GIF_LENGTH;
  res.writeHead(status, headers);
  res.end(res.req.method === 'HEAD' ? undefined : GIF);
}

/**
 * Text for a response header: printable ASCII only (anything else becomes `?`), at most `max`
 * characters. Reasons can quote what a client sent, and one CR, LF or non-Latin-1 character
 * in a header makes Node throw after the event was already stored.
 */
export function headerSafe(text: string, max = 256): string {
  const safe = text.replace(/[^\x20-\x7e]/g, '?');
  return safe.length > max ? `${safe.slice(0, max - 3)}...` : safe;
}

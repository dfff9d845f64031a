/** Small HTTP helpers: bounded body reading and responses. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RequestError } from './protocols/errors';

/** Reads the body as UTF-8, refusing more than `maxBytes` with 413 (the first bytes are kept for the bad-events stream). */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    const tooLarge = (n: number) => {
      failed = true;
      reject(new RequestError(413, `body is ${n} bytes, over the limit of ${maxBytes}`, Buffer.concat(chunks).toString('utf8')));
    };
    if (declared > maxBytes) {
      req.resume();
      tooLarge(declared);
      return;
    }
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > maxBytes) {
        chunks.push(chunk);
        req.resume();
        tooLarge(size);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks, size).toString('utf8'));
    });
    req.on('error', (err) => {
      if (!failed) reject(new RequestError(400, `request aborted: ${err.message}`));
    });
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

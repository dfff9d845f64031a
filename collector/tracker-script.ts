/**
 * Serves the browser tracker: `/clickstream.js` (short cache, always the current build) and
 * `/clickstream-<hash>.js` (content-addressed, cached for a year).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { send } from './http';

/** The built tracker, ready to serve. */
export class TrackerScript {
  readonly hash: string;
  private readonly gzipped: Buffer;

  constructor(private readonly code: Buffer) {
    this.hash = createHash('sha256').update(code).digest('hex').slice(0, 12);
    this.gzipped = gzipSync(code, { level: 9 });
  }

  /** Loads a built bundle from disk. */
  static fromFile(path: string): TrackerScript {
    return new TrackerScript(readFileSync(path));
  }

  /** The versioned path of this build. */
  get versionedPath(): string {
    return `/clickstream-${this.hash}.js`;
  }

  serves(path: string): boolean {
    return path === '/clickstream.js' || path === this.versionedPath;
  }

  respond(path: string, req: IncomingMessage, res: ServerResponse): void {
    const etag = `"${this.hash}"`;
    const cache = path === this.versionedPath ? 'public, max-age=31536000, immutable' : 'public, max-age=300';
    const headers: Record<string, string> = {
      'Content-Type': 'application/javascript; charset=utf-8',
      'Cache-Control': cache,
      ETag: etag,
      Vary: 'Accept-Encoding',
    };
    if (req.headers['if-none-match'] === etag) return send(res, 304, '', headers);
    if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? '')))
      return send(res, 200, this.gzipped, { ...headers, 'Content-Encoding': 'gzip' });
    send(res, 200, this.code, headers);
  }
}

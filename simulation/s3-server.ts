/**
 * An S3 stand-in for the simulation: PutObject and GetObject over path-style HTTP (what the
 * unmodified SDK client sends to an IP endpoint, e.g. AWS_ENDPOINT_URL_S3), objects kept in
 * memory. The Data API stand-in reads from it what a COPY names (statements.ts), as Redshift
 * reads S3.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running S3 stand-in. */
export interface S3StandIn {
  /** The URL to give the SDK client as `endpoint`. */
  endpoint: string;
  /** The objects whose keys start with what an `s3://bucket/prefix` URL names (a COPY's FROM is a prefix). */
  objects(url: string): Buffer[];
  stats: { puts: number; bytes: number };
  close(): Promise<void>;
}

const xmlError = (res: ServerResponse, status: number, code: string, message: string): void =>
  void res
    .writeHead(status, { 'content-type': 'application/xml' })
    .end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`);

/** Starts the stand-in on a free loopback port. */
export async function startS3(): Promise<S3StandIn> {
  const objects = new Map<string, Buffer>();
  const stats = { puts: 0, bytes: 0 };
  const server = createServer((req, res) => {
    void handle(req, res);
  });
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (!String(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256')) return xmlError(res, 403, 'AccessDenied', 'Access Denied');
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://s3').pathname).slice(1);
    if (!/^[^/]+\/.+/.test(path)) return xmlError(res, 400, 'InvalidRequest', 'Only object requests are supported');
    if (req.method === 'PUT') {
      const body = Buffer.concat(chunks);
      objects.set(path, body);
      stats.puts++;
      stats.bytes += body.length;
      return void res.writeHead(200, { etag: `"${objects.size}"` }).end();
    }
    const body = objects.get(path);
    if (req.method !== 'GET') return xmlError(res, 405, 'MethodNotAllowed', 'The specified method is not allowed');
    if (!body) return xmlError(res, 404, 'NoSuchKey', 'The specified key does not exist.');
    res.writeHead(200, { 'content-length': body.length }).end(body);
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    objects: (url) => {
      const prefix = url.replace(/^s3:\/\//, '');
      return [...objects].filter(([path]) => path.startsWith(prefix)).map(([, body]) => body);
    },
    stats,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * `clickstream search-proxy`: OpenSearch Dashboards in your browser with your own IAM identity.
 * The search domain is VPC-only and accepts only SigV4-signed requests, which a browser cannot
 * make. This proxy listens on localhost, signs each request (service `es`) with the credentials
 * of the environment (e.g. a profile that assumes the stack's SearchReaderRole) and sends it
 * through a port-forwarding tunnel into the VPC, speaking TLS to the domain's own name.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { readBody } from '../../collector/http';
import { fromSameOrigin } from '../../local/site-routes';
import { stackOutputs, STORAGE_STACK } from '../stack-outputs';

/** Settings of the proxy. */
export interface SearchProxyOptions {
  /** The domain endpoint (host name), e.g. `vpc-clickstream-abc.eu-west-1.es.amazonaws.com`. */
  endpoint: string;
  /** The tunnel's local end: `https://127.0.0.1:9443` for an SSM port-forwarding session. */
  tunnel: URL;
  port: number;
  region: string;
  credentials?: ReturnType<typeof defaultProvider>;
}

/** The largest request forwarded (Dashboards' saved-object imports are the biggest). */
const MAX_BODY_BYTES = 50 * 1024 * 1024;
/** Headers that describe one hop, not the request. */
const HOP = new Set([
  'host',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'proxy-connection',
  'content-length',
  'origin',
  'referer',
]);

/** The region in a domain endpoint (`….<region>.es.amazonaws.com`). */
export function regionOf(endpoint: string): string | undefined {
  return /\.([a-z]{2}(?:-[a-z]+)+-\d)\.es\.amazonaws\.com$/.exec(endpoint)?.[1];
}

/** The search endpoint a deployed storage stack reports. */
export async function stackEndpoint(stack: string, region?: string): Promise<string> {
  const outputs = await stackOutputs(stack, ['OpenSearchEndpoint'], `${STORAGE_STACK} with search enabled`, region);
  return outputs.get('OpenSearchEndpoint')!;
}

/** Starts the proxy; resolves with the server once it listens on 127.0.0.1. */
export async function startSearchProxy(o: SearchProxyOptions): Promise<Server> {
  const signer = new SignatureV4({ service: 'es', region: o.region, credentials: o.credentials ?? defaultProvider(), sha256: Sha256 });
  const server = createServer((req, res) => {
    forward(req, res, o, signer).catch((err: Error) => {
      if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'text/plain' });
      res.end(`search-proxy: ${err.message}\n`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, '127.0.0.1', resolve);
  });
  return server;
}

async function forward(req: IncomingMessage, res: ServerResponse, o: SearchProxyOptions, signer: SignatureV4): Promise<void> {
  // Only this machine's browser tab on this address: another site's page (CSRF) or a rebound DNS name gets nothing signed.
  const port = (req.socket.address() as AddressInfo).port;
  if (!fromSameOrigin(req) || ![`localhost:${port}`, `127.0.0.1:${port}`].includes(req.headers.host ?? '')) {
    res.writeHead(403, { 'Content-Type': 'text/plain' }).end('search-proxy: only pages served by this proxy may use it\n');
    return;
  }
  const body = await readBody(req, { maxBytes: MAX_BODY_BYTES, timeoutMs: 60_000 });
  const url = new URL(req.url ?? '/', 'http://local');
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of url.searchParams) query[k] = k in query ? [query[k]].flat().concat(v) : v;
  const signed = await signer.sign({
    method: req.method ?? 'GET',
    protocol: 'https:',
    hostname: o.endpoint,
    path: url.pathname,
    query,
    headers: { host: o.endpoint, ...(req.headers['content-type'] ? { 'content-type': req.headers['content-type'] } : {}) },
    body: body === '' ? undefined : body,
  });
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !HOP.has(k)) headers[k] = v;
  Object.assign(headers, signed.headers, { 'content-length': String(Buffer.byteLength(body)) });
  const send = o.tunnel.protocol === 'https:' ? httpsRequest : httpRequest;
  await new Promise<void>((resolve, reject) => {
    const upstream = send(
      {
        host: o.tunnel.hostname,
        port: o.tunnel.port,
        method: req.method,
        path: req.url,
        headers,
        // The tunnel ends on localhost but the certificate names the domain: verify against that name.
        servername: o.endpoint,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.on('end', resolve);
        answer.on('error', reject);
      },
    );
    upstream.on('error', (err) =>
      reject(new Error(`cannot reach the domain through ${o.tunnel.href}: ${err.message}; is the tunnel open?`)),
    );
    upstream.end(body);
  });
}

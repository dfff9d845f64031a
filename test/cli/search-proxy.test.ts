/**
 * The search proxy signs what it sends: an upstream standing in for the domain (through the
 * tunnel's local end) checks each request's SigV4 signature by signing the request it received
 * again with the same credentials and time, so a proxy that changed the path, query, body or
 * host after signing would fail here, as the real domain would refuse it.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { regionOf, startSearchProxy } from '../../cli/commands/search-proxy';

const ENDPOINT = 'vpc-clickstream-abc123.eu-west-1.es.amazonaws.com';
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'token' };

interface Seen {
  req: IncomingMessage;
  body: string;
  valid: boolean;
}

async function verify(req: IncomingMessage, body: string): Promise<boolean> {
  const url = new URL(req.url!, 'http://x');
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of url.searchParams) query[k] = k in query ? [query[k]].flat().concat(v) : v;
  const signedHeaders = /SignedHeaders=([^,]+)/.exec(req.headers.authorization ?? '')![1].split(';');
  const headers = Object.fromEntries(signedHeaders.map((h) => [h, String(req.headers[h])]));
  const date = req.headers['x-amz-date'] as string;
  const signingDate = new Date(
    `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${date.slice(9, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`,
  );
  const again = await new SignatureV4({ service: 'es', region: 'eu-west-1', credentials, sha256: Sha256 }).sign(
    {
      method: req.method!,
      protocol: 'https:',
      hostname: ENDPOINT,
      path: url.pathname,
      query,
      headers: { ...headers },
      body: body || undefined,
    },
    { signingDate },
  );
  return again.headers.authorization === req.headers.authorization;
}

describe('clickstream search-proxy', () => {
  let upstream: Server;
  let proxy: Server;
  let base: string;
  const seen: Seen[] = [];
  beforeAll(async () => {
    upstream = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        void verify(req, body).then((valid) => {
          seen.push({ req, body, valid });
          res.writeHead(valid ? 200 : 403, { 'Content-Type': 'application/json' }).end(JSON.stringify({ valid }));
        });
      });
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const tunnel = new URL(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}`);
    proxy = await startSearchProxy({ endpoint: ENDPOINT, tunnel, port: 0, region: 'eu-west-1', credentials: async () => credentials });
    base = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => proxy.close(r));
    await new Promise((r) => upstream.close(r));
  });
  beforeEach(() => (seen.length = 0));

  it('signs a Dashboards search for the domain (host, path, repeated query keys and body) with the caller identity', async () => {
    const res = await fetch(`${base}/_dashboards/internal/search/opensearch?a=1&b=x%20y&a=2`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'osd-xsrf': 'true' },
      body: JSON.stringify({ params: { index: 'clickstream-*', body: { query: { match: { page_path: '/café' } } } } }),
    });
    expect(res.status).toBe(200);
    expect(seen).toHaveLength(1);
    expect(seen[0].valid).toBe(true);
    expect(seen[0].req.headers.host).toBe(ENDPOINT);
    expect(seen[0].req.headers['x-amz-security-token']).toBe('token');
    expect(seen[0].req.headers['osd-xsrf']).toBe('true');
    expect(seen[0].req.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/es\/aws4_request, /);
  });

  it('signs a plain GET with no body', async () => {
    const res = await fetch(`${base}/_dashboards/app/home`);
    expect(res.status).toBe(200);
    expect(seen[0].valid).toBe(true);
  });

  it('signs nothing for another site (CSRF) or another host name (DNS rebinding)', async () => {
    const cross = await fetch(`${base}/clickstream-*/_search`, { headers: { 'Sec-Fetch-Site': 'cross-site' } });
    expect(cross.status).toBe(403);
    const port = (proxy.address() as AddressInfo).port;
    const rebound = await new Promise<number>((resolve) => {
      const req = request({ host: '127.0.0.1', port, path: '/', headers: { Host: `evil.example:${port}` } }, (r) => {
        r.resume();
        resolve(r.statusCode!);
      });
      req.end();
    });
    expect(rebound).toBe(403);
    expect(seen).toHaveLength(0);
  });

  it('answers 502 naming the tunnel when it is not open', async () => {
    const closed = await startSearchProxy({
      endpoint: ENDPOINT,
      tunnel: new URL('http://127.0.0.1:9'),
      port: 0,
      region: 'eu-west-1',
      credentials: async () => credentials,
    });
    try {
      const res = await fetch(`http://127.0.0.1:${(closed.address() as AddressInfo).port}/_dashboards`);
      expect(res.status).toBe(502);
      expect(await res.text()).toMatch(/cannot reach the domain through http:\/\/127\.0\.0\.1:9\/.*is the tunnel open\?/);
    } finally {
      closed.close();
    }
  });

  it('reads the region from the domain endpoint', () => {
    expect(regionOf(ENDPOINT)).toBe('eu-west-1');
    expect(regionOf('search-x.ap-southeast-2.es.amazonaws.com')).toBe('ap-southeast-2');
    expect(regionOf('example.com')).toBeUndefined();
  });
});

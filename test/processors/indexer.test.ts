import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ClickEvent } from '../../contract';
import { bulkRequests, indexTemplate } from '../../lambda/indexer/bulk';
import { indexEvents } from '../../lambda/indexer/index-events';
import { openSearchClient, openSearchSender } from '../../lambda/indexer/opensearch';
import { documentedExamples } from '../support/examples';

interface Seen {
  path: string;
  contentType: string;
  lines: unknown[];
}

/** A local stand-in for the bulk API: checks the NDJSON and answers as scripted per document id. */
async function bulkServer(answer: (id: string, attempt: number) => { status: number; error?: { type: string; reason: string } }) {
  const seen: Seen[] = [];
  const attempts = new Map<string, number>();
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString();
      const lines = text.trimEnd().split('\n').map((l) => JSON.parse(l));
      seen.push({ path: req.url ?? '', contentType: String(req.headers['content-type']), lines });
      const items = [];
      for (let i = 0; i < lines.length; i += 2) {
        const id = lines[i].index._id as string;
        const n = (attempts.get(id) ?? 0) + 1;
        attempts.set(id, n);
        const a = answer(id, n);
        items.push({ index: { _index: lines[i].index._index, _id: id, status: a.status, ...(a.error ? { error: a.error } : {}) } });
      }
      const body = JSON.stringify({ took: 1, errors: items.some((i) => i.index.status >= 300), items });
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, close: () => new Promise((r) => server.close(r)) };
}

const events: ClickEvent[] = documentedExamples();

describe('indexer', () => {
  it('sends NDJSON bulk bodies with daily indices and event ids as document ids', async () => {
    const srv = await bulkServer(() => ({ status: 201 }));
    try {
      const result = await indexEvents(openSearchSender(openSearchClient(srv.url)), events, { prefix: 'clickstream' });
      expect(result).toEqual({ indexed: events.length, requests: 1, failed: [] });
      const [req] = srv.seen;
      expect(req.path).toBe('/_bulk');
      expect(req.contentType).toMatch(/application\/(x-)?ndjson|application\/json/);
      expect(req.lines[0]).toEqual({ index: { _index: 'clickstream-2026.11.22', _id: events[0].eventId } });
      expect(req.lines[1]).toMatchObject({ event_id: events[0].eventId, event_type: 'pageView', page_host: 'shop.example.com', network_country: 'GB' });
    } finally {
      await srv.close();
    }
  });

  it('retries items answered 429 with backoff and returns mapping failures for the bad path', async () => {
    const throttled = events[1].eventId;
    const broken = events[2].eventId;
    const srv = await bulkServer((id, attempt) => {
      if (id === throttled && attempt < 3) return { status: 429, error: { type: 'es_rejected_execution_exception', reason: 'queue full' } };
      if (id === broken) return { status: 400, error: { type: 'mapper_parsing_exception', reason: 'failed to parse field [commerce_price]' } };
      return { status: 201 };
    });
    const waits: number[] = [];
    try {
      const result = await indexEvents(openSearchSender(openSearchClient(srv.url)), events, { prefix: 'clickstream', backoffMs: 10, sleep: async (ms) => void waits.push(ms) });
      expect(result.indexed).toBe(events.length - 1);
      expect(result.failed).toEqual([{ event: events[2], reason: 'OpenSearch 400 mapper_parsing_exception: failed to parse field [commerce_price]' }]);
      expect(waits).toEqual([10, 20]);
      expect(srv.seen.map((s) => s.lines.length / 2)).toEqual([events.length, 1, 1]);
    } finally {
      await srv.close();
    }
  });

  it('gives up with an error when items stay throttled, so the batch is retried whole', async () => {
    const srv = await bulkServer(() => ({ status: 429, error: { type: 'es_rejected_execution_exception', reason: 'queue full' } }));
    try {
      await expect(indexEvents(openSearchSender(openSearchClient(srv.url)), events.slice(0, 2), { prefix: 'cs', attempts: 2, sleep: async () => undefined })).rejects.toThrow(
        '2 events still throttled or failing after 2 bulk attempts',
      );
    } finally {
      await srv.close();
    }
  });

  it('sizes bulk bodies under the byte limit', () => {
    const many = Array.from({ length: 300 }, (_, i) => ({ ...events[0], eventId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}` }));
    const requests = bulkRequests(many, 'clickstream', 64 * 1024);
    expect(requests.length).toBeGreaterThan(1);
    for (const r of requests) expect(Buffer.byteLength(r.body)).toBeLessThanOrEqual(64 * 1024);
    expect(requests.flatMap((r) => r.events)).toEqual(many);
  });

  it('the index template maps every contract column explicitly', () => {
    const template = indexTemplate('clickstream');
    expect(template.index_patterns).toEqual(['clickstream-*']);
    expect(template.template.mappings).toMatchObject({ dynamic: 'strict', properties: { event_id: { type: 'keyword' }, received_timestamp: { type: 'date' }, properties: { type: 'flat_object' } } });
  });
});

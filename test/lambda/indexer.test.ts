import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ClickEvent } from '../../contract';
import { bulkRequests, indexTemplate } from '../../lambda/indexer/bulk';
import { indexBatch, indexEvents } from '../../lambda/indexer/index-events';
import { decodeMskEvent, toMskEvent } from '../../lambda/shared/msk-event';
import { folderStore } from '../../lambda/shared/object-store';
import { encodeEvent } from '../../contract';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { openSearchClient, openSearchSender } from '../../lambda/indexer/opensearch';
import { documentedExamples } from '../support/examples';

interface Seen {
  path: string;
  contentType: string;
  lines: unknown[];
}

/**
 * A local stand-in for the bulk API: checks the NDJSON and answers as scripted per document id;
 * a `create` of an id it already holds gets 409, as OpenSearch answers.
 */
async function bulkServer(
  answer: (id: string, attempt: number) => { status: number; error?: { type: string; reason: string } },
  /** A status for the whole request instead of per-item answers (413, 400…), or undefined. */
  refuse: (body: string) => number | undefined = () => undefined,
) {
  const seen: Seen[] = [];
  const attempts = new Map<string, number>();
  const stored = new Map<string, unknown>();
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString();
      const status = refuse(text);
      if (status !== undefined) {
        seen.push({ path: req.url ?? '', contentType: String(req.headers['content-type']), lines: [] });
        res
          .writeHead(status, { 'Content-Type': 'application/json' })
          .end(JSON.stringify({ error: { type: 'illegal_argument_exception', reason: 'refused' }, status }));
        return;
      }
      const lines = text
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l));
      seen.push({ path: req.url ?? '', contentType: String(req.headers['content-type']), lines });
      const items = [];
      for (let i = 0; i < lines.length; i += 2) {
        const id = lines[i].create._id as string;
        const n = (attempts.get(id) ?? 0) + 1;
        attempts.set(id, n);
        const a = stored.has(id)
          ? { status: 409, error: { type: 'version_conflict_engine_exception', reason: 'document already exists' } }
          : answer(id, n);
        if (a.status < 300) stored.set(id, lines[i + 1]);
        items.push({ create: { _index: lines[i].create._index, _id: id, status: a.status, ...(a.error ? { error: a.error } : {}) } });
      }
      const body = JSON.stringify({ took: 1, errors: items.some((i) => i.create.status >= 300), items });
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    stored,
    close: () => new Promise((r) => server.close(r)),
  };
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
      expect(req.lines[0]).toEqual({ create: { _index: 'clickstream-2026.11.22', _id: events[0].eventId } });
      expect(req.lines[1]).toMatchObject({
        event_id: events[0].eventId,
        event_type: 'pageView',
        page_host: 'shop.example.com',
        network_country: 'GB',
      });
    } finally {
      await srv.close();
    }
  });

  it('retries items answered 429 with backoff and returns mapping failures for the bad path', async () => {
    const throttled = events[1].eventId;
    const broken = events[2].eventId;
    const srv = await bulkServer((id, attempt) => {
      if (id === throttled && attempt < 3) return { status: 429, error: { type: 'es_rejected_execution_exception', reason: 'queue full' } };
      if (id === broken)
        return { status: 400, error: { type: 'mapper_parsing_exception', reason: 'failed to parse field [commerce_price]' } };
      return { status: 201 };
    });
    const waits: number[] = [];
    try {
      const result = await indexEvents(openSearchSender(openSearchClient(srv.url)), events, {
        prefix: 'clickstream',
        backoffMs: 10,
        sleep: async (ms) => void waits.push(ms),
      });
      expect(result.indexed).toBe(events.length - 1);
      expect(result.failed).toEqual([
        { event: events[2], reason: 'OpenSearch 400 mapper_parsing_exception: failed to parse field [commerce_price]' },
      ]);
      expect(waits).toEqual([10, 20]);
      expect(srv.seen.map((s) => s.lines.length / 2)).toEqual([events.length, 1, 1]);
    } finally {
      await srv.close();
    }
  });

  it('gives up with an error when items stay throttled, so the batch is retried whole', async () => {
    const srv = await bulkServer(() => ({ status: 429, error: { type: 'es_rejected_execution_exception', reason: 'queue full' } }));
    try {
      await expect(
        indexEvents(openSearchSender(openSearchClient(srv.url)), events.slice(0, 2), {
          prefix: 'cs',
          attempts: 2,
          sleep: async () => undefined,
        }),
      ).rejects.toThrow('2 events still throttled or failing after 2 bulk attempts');
    } finally {
      await srv.close();
    }
  });

  it('keeps the first copy of a duplicated id, as the aggregator does, in one batch and across replays', async () => {
    const first = { ...events[0], eventName: 'first' };
    const second = { ...events[0], eventName: 'second' };
    const srv = await bulkServer(() => ({ status: 201 }));
    try {
      const sender = openSearchSender(openSearchClient(srv.url));
      const result = await indexEvents(sender, [first, events[1], second], { prefix: 'cs' });
      expect(result).toMatchObject({ indexed: 3, failed: [] });
      await indexEvents(sender, [second], { prefix: 'cs' });
      expect((srv.stored.get(first.eventId) as { event_name: string }).event_name).toBe('first');
    } finally {
      await srv.close();
    }
  });

  it('keeps events OpenSearch refuses under bad/indexer/ with the reason and the offset they were read at', async () => {
    const broken = events[2].eventId;
    const srv = await bulkServer((id) =>
      id === broken ? { status: 400, error: { type: 'mapper_parsing_exception', reason: 'failed to parse' } } : { status: 201 },
    );
    const root = mkdtempSync(join(tmpdir(), 'cs-indexer-'));
    try {
      const records = events
        .slice(0, 4)
        .map((e, i) => ({ topic: 'clickstream', partition: 2, offset: 10 + i, timestamp: 0, ...encodeEvent(e) }));
      const result = await indexBatch(
        openSearchSender(openSearchClient(srv.url)),
        folderStore(root),
        decodeMskEvent(toMskEvent(records), 'indexer'),
        { prefix: 'cs' },
      );
      expect(result.indexed).toBe(3);
      const [date, hour] = [events[2].receivedTimestamp.slice(0, 10), events[2].receivedTimestamp.slice(11, 13)];
      const dir = join(root, `bad/indexer/dt=${date}/hr=${hour}`);
      expect(readdirSync(dir)).toEqual(['clickstream-2-000000000012.ndjson.gz']);
      const [bad] = gunzipSync(readFileSync(join(dir, readdirSync(dir)[0])))
        .toString()
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(bad).toMatchObject({
        failureType: 'index_failure',
        origin: 'indexer',
        reason: 'OpenSearch 400 mapper_parsing_exception: failed to parse',
      });
      expect(JSON.parse(bad.payload)).toEqual(events[2]);
    } finally {
      await srv.close();
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('sends events alone when a whole request is refused, so only the event behind it fails', async () => {
    const broken = events[1].eventId;
    const srv = await bulkServer(
      () => ({ status: 201 }),
      (body) => (body.includes(broken) ? 413 : undefined),
    );
    try {
      const result = await indexEvents(openSearchSender(openSearchClient(srv.url)), events, { prefix: 'cs', sleep: async () => undefined });
      expect(result.indexed).toBe(events.length - 1);
      expect(result.failed.map((f) => [f.event.eventId, f.reason.slice(0, 34)])).toEqual([[broken, 'OpenSearch refused the request: 41']]);
      expect([...srv.stored.keys()].sort()).toEqual(
        events
          .filter((e) => e.eventId !== broken)
          .map((e) => e.eventId)
          .sort(),
      );
    } finally {
      await srv.close();
    }
  });

  it('sizes bulk bodies under the byte limit', () => {
    const many = Array.from({ length: 300 }, (_, i) => ({
      ...events[0],
      eventId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    }));
    const requests = bulkRequests(many, 'clickstream', 64 * 1024);
    expect(requests.length).toBeGreaterThan(1);
    for (const r of requests) expect(Buffer.byteLength(r.body)).toBeLessThanOrEqual(64 * 1024);
    expect(requests.flatMap((r) => r.events)).toEqual(many);
  });

  it('the index template maps every contract column explicitly', () => {
    const template = indexTemplate('clickstream');
    expect(template.index_patterns).toEqual(['clickstream-*']);
    expect(template.template.mappings).toMatchObject({
      dynamic: 'strict',
      properties: { event_id: { type: 'keyword' }, received_timestamp: { type: 'date' }, properties: { type: 'flat_object' } },
    });
  });
});

/**
 * The replay sources at their boundaries: failure-topic records in the shapes AWS documents,
 * the running local mode's replay endpoint, and the CLI driving a replayer function through the
 * real Lambda client against a loopback endpoint.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeEvent, REPLAY_TOPIC } from '../../contract';
import { toMskEvent } from '../../lambda/shared/msk-event';
import { startLocal, type LocalMode } from '../../local/mode';
import { readFailedRecord } from '../../replay/failed';
import { clickstreamAsync } from '../support/cli';
import { quietLog } from '../support/collector';
import { sampleEvent } from '../support/examples';

describe('failure-topic records', () => {
  const a = sampleEvent({ eventId: '6f1c1f0e-8f5e-4c7a-9d55-0d6a3f2b9a01' });
  const b = sampleEvent({ eventId: '6f1c1f0e-8f5e-4c7a-9d55-0d6a3f2b9a02' });

  it('reads a record whose value is the failed event itself', () => {
    expect(readFailedRecord(encodeEvent(a).value, 'clickstream-failed-0@7')).toEqual({ events: [a], bad: [] });
  });

  it('reads an invocation record whose payload is the MSK event, keeping undecodable records as bad events', () => {
    const msk = toMskEvent([
      { topic: 'clickstream', partition: 1, offset: 40, timestamp: 0, ...encodeEvent(a) },
      { topic: 'clickstream', partition: 1, offset: 41, timestamp: 0, ...encodeEvent(b) },
      { topic: 'clickstream', partition: 1, offset: 42, timestamp: 0, key: Buffer.from('k'), value: Buffer.from('{"not":"an event"}') },
    ]);
    const envelope = { requestContext: { condition: 'RetryAttemptsExhausted' }, version: '1.0', payload: msk };
    const read = readFailedRecord(Buffer.from(JSON.stringify(envelope)), 'clickstream-failed-0@8');
    expect(read.events).toEqual([a, b]);
    expect(read.bad).toHaveLength(1);
    expect(read.bad[0]).toMatchObject({ failureType: 'decode_failure', origin: 'replay', payload: '{"not":"an event"}' });
    expect(read.bad[0].reason).toMatch(/^clickstream-failed-0@8 record 2: /);
  });

  it('keeps anything else whole as a bad event naming where it was read', () => {
    const read = readFailedRecord(Buffer.from('garbage'), 'clickstream-failed-0@9');
    expect(read.events).toEqual([]);
    expect(read.bad).toEqual([
      expect.objectContaining({
        failureType: 'decode_failure',
        payload: 'garbage',
        reason: expect.stringMatching(/^clickstream-failed-0@9: /),
      }),
    ]);
  });
});

describe('replay while local mode runs', () => {
  let local: LocalMode;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cs-replay-live-'));
    local = await startLocal({ dataDir: dir, port: 0, log: quietLog });
  });
  afterAll(async () => {
    await local.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('goes through the running instance (the only writer of its log) and refuses web pages', async () => {
    const event = sampleEvent({ receivedTimestamp: '2026-11-20T09:15:00.000Z' });
    await local.log.append('clickstream', [encodeEvent(event)]);
    const settled = async () => {
      for (let i = 0; i < 200 && local.consumers.some((c) => c.lag() > 0); i++) await new Promise((r) => setTimeout(r, 50));
    };
    await settled();
    const res = await fetch(`${local.url}/api/replay?since=2026-11-20T09:00:00Z&until=2026-11-20T10:00:00Z`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ objects: 1, events: 1, invalid: 0 });
    await settled();
    // The replayed copy reached the aggregator, which kept the first: one raw row, counted once.
    expect(local.log.highWatermark(REPLAY_TOPIC, 0)).toBe(1);
    expect(await local.db.query(`SELECT event_id FROM events WHERE event_id = '${event.eventId}'`)).toHaveLength(1);
    expect(Number((await local.db.query('SELECT SUM(events) AS n FROM traffic_hourly'))[0].n)).toBe(1);
    const cross = await fetch(`${local.url}/api/replay?since=2026-11-20T09:00:00Z`, {
      method: 'POST',
      headers: { 'Sec-Fetch-Site': 'cross-site' },
    });
    expect(cross.status).toBe(403);
    const bad = await fetch(`${local.url}/api/replay?since=soon`, { method: 'POST' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/--since "soon"/);
  });
});

describe('replay on AWS, through the replayer function', () => {
  let server: Server;
  let endpoint: string;
  const requests: unknown[] = [];
  let replies: { status?: number; error?: boolean; body: unknown }[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        expect(req.url).toBe('/2015-03-31/functions/clickstream-replayer/invocations');
        requests.push(JSON.parse(body));
        const reply = replies.shift()!;
        res.writeHead(200, { 'Content-Type': 'application/json', ...(reply.error ? { 'X-Amz-Function-Error': 'Unhandled' } : {}) });
        res.end(JSON.stringify(reply.body));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise((r) => server.close(r)));
  beforeEach(() => (requests.length = 0));
  const env = () => ({
    AWS_ENDPOINT_URL_LAMBDA: endpoint,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
  });

  it('invokes again from where the last invocation stopped until the range is done', async () => {
    replies = [
      {
        body: {
          objects: 40,
          events: 9000,
          invalid: 0,
          resumeAfter: 'events/dt=2026-11-20/hr=09/clickstream-2-000000001234.ndjson.gz',
          done: false,
        },
      },
      { body: { objects: 2, events: 300, invalid: 0, done: true } },
    ];
    const run = await clickstreamAsync(
      ['replay', '--function', 'clickstream-replayer', '--since', '2026-11-20T00:00:00Z', '--until', '2026-11-21'],
      env(),
    );
    expect(run.stderr).not.toMatch(/clickstream:/);
    expect(run.stdout).toBe('replayed 9300 archived events\n');
    expect(requests).toEqual([
      { source: 'archive', since: '2026-11-20T00:00:00.000Z', until: '2026-11-21T00:00:00.000Z' },
      {
        source: 'archive',
        since: '2026-11-20T00:00:00.000Z',
        until: '2026-11-21T00:00:00.000Z',
        resumeAfter: 'events/dt=2026-11-20/hr=09/clickstream-2-000000001234.ndjson.gz',
      },
    ]);
  });

  it('drains the failure topic and says what it could not read', async () => {
    replies = [{ body: { records: 12, events: 11, bad: 1, done: true } }];
    const run = await clickstreamAsync(['replay', '--function', 'clickstream-replayer', '--failed'], env());
    expect(run.stdout).toBe('replayed 11 events from the failure topic; 1 unreadable records went to the bad-events topic\n');
    expect(requests).toEqual([{ source: 'failed' }]);
  });

  it("reports the function's error and how to continue", async () => {
    replies = [{ error: true, body: { errorType: 'KafkaJSConnectionError', errorMessage: 'Connection timeout' } }];
    const run = await clickstreamAsync(['replay', '--function', 'clickstream-replayer', '--failed'], env());
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      'clickstream: the replayer failed after 0 events: Connection timeout; run the same command again to continue\n',
    );
  });
});

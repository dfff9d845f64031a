import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BadEvent } from '../../contract';
import { startLocal, type LocalMode } from '../../local/mode';
import { quietLog } from '../support/collector';
import { sampleEvent } from '../support/examples';

describe("local mode's import endpoint", () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cs-import-api-'));
  let local: LocalMode;
  beforeAll(async () => {
    local = await startLocal({ dataDir, port: 0, log: quietLog });
  });
  afterAll(async () => {
    await local?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const post = (body: string, headers: Record<string, string> = { 'Content-Type': 'application/json' }) =>
    fetch(`${local.url}/api/import`, { method: 'POST', body, headers });
  const bad = async () => (await local.log.read(local.topics.bad, 0, 0, 1000)).map((r) => JSON.parse(r.value.toString()) as BadEvent);

  it('refuses what a web page elsewhere could send: cross-site requests and non-JSON bodies', async () => {
    const events = JSON.stringify([sampleEvent({ eventId: crypto.randomUUID() })]);
    expect((await post(events, { 'Content-Type': 'application/json', 'Sec-Fetch-Site': 'cross-site' })).status).toBe(403);
    expect((await post(events, { 'Content-Type': 'application/json', Origin: 'https://evil.example' })).status).toBe(403);
    expect((await post(events, { 'Content-Type': 'text/plain' })).status).toBe(415);
    expect((await post(events)).status).toBe(200);
  });

  it('keeps refused items and unreadable bodies on the bad stream with their reason', async () => {
    const res = await post(JSON.stringify([sampleEvent({ eventId: crypto.randomUUID() }), { eventType: 'nope' }]));
    expect(await res.json()).toMatchObject({ accepted: 1, rejected: [{ index: 1 }] });
    expect((await post('{"not":"an array"}')).status).toBe(400);
    const reasons = (await bad()).map((b) => [b.origin, b.failureType, b.reason]);
    expect(reasons).toEqual([
      ['local:/api/import', 'schema_violation', expect.stringMatching(/: is required$|must be/)],
      ['local:/api/import', 'protocol_violation', 'body must be a JSON array of events'],
    ]);
  });
});

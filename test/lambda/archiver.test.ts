import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { badEvent, encodeBadEvent, encodeEvent } from '../../contract';
import { archiveBadTopic, archiveObjects } from '../../lambda/archiver/archive';
import { folderStore } from '../../lambda/shared/object-store';
import { decodeMskEvent, toMskEvent } from '../../lambda/shared/msk-event';
import { documentedExamples } from '../support/examples';

const events = documentedExamples();
const records = (offset0: number) => [
  ...events.slice(0, 3).map((e, i) => ({ topic: 'clickstream', partition: 1, offset: offset0 + i, timestamp: 0, ...encodeEvent(e) })),
  {
    topic: 'clickstream',
    partition: 1,
    offset: offset0 + 3,
    timestamp: Date.parse('2026-11-22T10:20:00Z'),
    key: Buffer.from('k'),
    value: Buffer.from('{"not":"an event"}'),
  },
];

describe('archiver', () => {
  it('writes gzip NDJSON per event date and hour, named by topic, partition and offset range', () => {
    const objects = archiveObjects(decodeMskEvent(toMskEvent(records(40)), 'archiver'));
    expect(objects.map((o) => [o.key, o.records])).toEqual([
      ['events/dt=2026-11-22/hr=10/clickstream-1-000000000040.ndjson.gz', 3],
      ['bad/dt=2026-11-22/hr=10/clickstream-1-000000000043.ndjson.gz', 1],
    ]);
    const lines = gunzipSync(objects[0].body).toString().trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual(events.slice(0, 3));
    const [bad] = gunzipSync(objects[1].body)
      .toString()
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(bad).toMatchObject({
      failureType: 'decode_failure',
      payload: '{"not":"an event"}',
      reason: expect.stringMatching(/^clickstream-1@43: /),
    });
  });

  it('archives the bad-events topic byte for byte', () => {
    const value = encodeBadEvent(
      badEvent('protocol_violation', 'body is not valid JSON', 'collector:/collect', '{"x', new Date('2026-11-22T09:00:00Z')),
    ).value;
    const [object] = archiveBadTopic([
      { topic: 'clickstream-bad', partition: 0, offset: 7, timestamp: Date.parse('2026-11-22T09:00:01Z'), value },
    ]);
    expect(object.key).toBe('bad/dt=2026-11-22/hr=09/clickstream-bad-0-000000000007.ndjson.gz');
    expect(gunzipSync(object.body).toString()).toBe(`${value.toString()}\n`);
  });

  it('a retried batch overwrites its objects instead of adding copies', async () => {
    const root = mkdtempSync(join(tmpdir(), 'cs-archive-'));
    try {
      const store = folderStore(root);
      for (let i = 0; i < 2; i++) for (const o of archiveObjects(decodeMskEvent(toMskEvent(records(0)), 'archiver'))) await store.put(o);
      const dir = join(root, 'events/dt=2026-11-22/hr=10');
      expect(readdirSync(dir)).toEqual(['clickstream-1-000000000000.ndjson.gz']);
      expect(
        gunzipSync(readFileSync(join(dir, readdirSync(dir)[0])))
          .toString()
          .trimEnd()
          .split('\n'),
      ).toHaveLength(3);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('a replay with other boundaries (longer, or bisected) leaves every event in exactly one object', async () => {
    const root = mkdtempSync(join(tmpdir(), 'cs-archive-'));
    const many = Array.from({ length: 12 }, (_, i) => ({
      topic: 'clickstream',
      partition: 0,
      offset: i,
      timestamp: 0,
      ...encodeEvent({ ...events[i % 3], eventId: crypto.randomUUID() }),
    }));
    const put = async (from: number, to: number) => {
      for (const o of archiveObjects(decodeMskEvent(toMskEvent(many.slice(from, to)), 'archiver'))) await folderStore(root).put(o);
    };
    try {
      await put(0, 4); // a batch that was processed but not committed (crash)
      await put(0, 12); // the replay from the commit reads further
      await put(0, 6); // a Lambda retry bisected: first half
      await put(6, 12); // second half
      const archived = readdirSync(join(root, 'events/dt=2026-11-22/hr=10')).flatMap((f) =>
        gunzipSync(readFileSync(join(root, 'events/dt=2026-11-22/hr=10', f)))
          .toString()
          .trimEnd()
          .split('\n')
          .map((l) => (JSON.parse(l) as { eventId: string }).eventId),
      );
      expect(archived.sort()).toEqual(many.map((r) => (JSON.parse(r.value.toString()) as { eventId: string }).eventId).sort());
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeEvent, TOPICS } from '../../contract';
import { DurableLog } from '../../durable-log/log';
import { folderStore } from '../../lambda/shared/object-store';
import { LogConsumer } from '../../local/consumer';
import { archiver } from '../../local/processors';
import { archivedLines } from '../support/archive';
import { sampleEvent } from '../support/examples';

describe('local archiver', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cs-archiver-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes events that trickle in within its window as one file, not one per arrival', async () => {
    const log = await DurableLog.open(join(dir, 'log'), { [TOPICS.events]: 1, [TOPICS.bad]: 1 });
    const consumer = new LogConsumer(log, archiver(folderStore(join(dir, 'archive')), TOPICS), join(dir, 'offsets.json'), 5000);
    await consumer.start();
    const ids = [1, 2, 3].map((i) => `00000000-0000-4000-8000-00000000000${i}`);
    for (const eventId of ids) {
      await log.append(TOPICS.events, [encodeEvent(sampleEvent({ eventId }))]);
      await new Promise((r) => setTimeout(r, 50));
    }
    for (let i = 0; i < 300 && consumer.lag() > 0; i++) await new Promise((r) => setTimeout(r, 10));
    await consumer.stop();
    await log.close();
    const files = (readdirSync(join(dir, 'archive'), { recursive: true }) as string[]).filter((f) => f.endsWith('.ndjson.gz'));
    expect(files).toHaveLength(1);
    expect(archivedLines(join(dir, 'archive')).map((l) => (JSON.parse(l) as { eventId: string }).eventId)).toEqual(ids);
  });
});

import { appendFileSync, mkdtempSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { partitionFor } from '../../contract';
import { DurableLog } from '../../local/durable-log';

const rec = (key: string, value: string) => ({ key: Buffer.from(key), value: Buffer.from(value) });

describe('durable log (the local Kafka stand-in)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cs-log-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('places records by key hash, numbers offsets per partition and reads them back after a reopen', async () => {
    const log = await DurableLog.open(dir, { events: 3 });
    await log.append('events', ['a', 'b', 'c', 'd', 'a'].map((k, i) => rec(k, `v${i}`)));
    await log.close();
    const again = await DurableLog.open(dir, { events: 3 });
    const p = partitionFor(Buffer.from('a'), 3);
    const records = await again.read('events', p, 0, 10);
    expect(records.filter((r) => r.key.toString() === 'a').map((r) => [r.offset, r.value.toString()])).toEqual([
      [records.find((r) => r.value.toString() === 'v0')!.offset, 'v0'],
      [records.find((r) => r.value.toString() === 'v4')!.offset, 'v4'],
    ]);
    expect(records.map((r) => r.offset)).toEqual(records.map((_, i) => i));
    let total = 0;
    for (let q = 0; q < 3; q++) total += again.highWatermark('events', q);
    expect(total).toBe(5);
    await again.close();
  });

  it('cuts a torn or corrupt tail at open and keeps every complete record', async () => {
    const log = await DurableLog.open(dir, { t: 1 });
    await log.append('t', [rec('k', 'one'), rec('k', 'two')]);
    await log.close();
    const file = join(dir, 't', '0.log');
    const size = statSync(file).size;
    appendFileSync(file, Buffer.from([0, 0, 0, 40, 1, 2, 3])); // a frame header promising more than was written
    const torn = await DurableLog.open(dir, { t: 1 });
    expect(statSync(file).size).toBe(size);
    expect((await torn.read('t', 0, 0, 10)).map((r) => r.value.toString())).toEqual(['one', 'two']);
    await torn.append('t', [rec('k', 'three')]);
    expect((await torn.read('t', 0, 0, 10)).map((r) => [r.offset, r.value.toString()])).toEqual([[0, 'one'], [1, 'two'], [2, 'three']]);
    await torn.close();

    truncateSync(file, statSync(file).size - 3); // the last record loses its end
    const cut = await DurableLog.open(dir, { t: 1 });
    expect((await cut.read('t', 0, 0, 10)).map((r) => r.value.toString())).toEqual(['one', 'two']);
    await cut.close();
  });

  it('group-commits concurrent appends and resolves each only once it is on disk', async () => {
    const log = await DurableLog.open(dir, { t: 3 });
    let flushes = 0;
    log.onAppend(() => flushes++);
    await Promise.all(Array.from({ length: 500 }, (_, i) => log.append('t', [rec(`s${i % 17}`, `v${i}`)])));
    let total = 0;
    for (let p = 0; p < 3; p++) total += log.highWatermark('t', p);
    expect(total).toBe(500);
    expect(flushes).toBeLessThan(500); // batched, not one durable write per append
    await log.close();
    await expect(log.append('t', [rec('k', 'late')])).rejects.toThrow('log is closed');
  });

  it('refuses unknown topics by name', async () => {
    const log = await DurableLog.open(dir, { t: 1 });
    await expect(log.append('nope', [rec('k', 'v')])).rejects.toThrow('unknown topic "nope"');
    await log.close();
  });
});

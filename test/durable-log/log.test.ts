import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { crc32 } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { partitionFor } from '../../contract';
import { DurableLog } from '../../durable-log/log';
import { SEGMENT_BYTES } from '../../durable-log/partition';

const rec = (key: string, value: string) => ({ key: Buffer.from(key), value: Buffer.from(value) });

describe('durable log (the local Kafka stand-in)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cs-log-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('places records by key hash, numbers offsets per partition and reads them back after a reopen', async () => {
    const log = await DurableLog.open(dir, { events: 3 });
    await log.append(
      'events',
      ['a', 'b', 'c', 'd', 'a'].map((k, i) => rec(k, `v${i}`)),
    );
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

  const segment = (topic: string, p = 0, base = 0) => join(dir, topic, String(p), `${String(base).padStart(20, '0')}.log`);
  const valuesOf = async (log: DurableLog, topic: string, p = 0) =>
    (await log.read(topic, p, 0, 1000)).map((r) => [r.offset, r.value.toString()]);

  it('cuts a torn tail at open, keeps every complete record and reports the cut', async () => {
    const log = await DurableLog.open(dir, { t: 1 });
    await log.append('t', [rec('k', 'one'), rec('k', 'two')]);
    await log.close();
    const file = segment('t');
    const size = statSync(file).size;
    appendFileSync(file, Buffer.from([0, 0, 0, 40, 1, 2, 3])); // a frame header promising more than was written
    const torn = await DurableLog.open(dir, { t: 1 });
    expect(statSync(file).size).toBe(size);
    expect(torn.damage).toEqual([
      expect.objectContaining({ kind: 'torn', message: expect.stringContaining('7 bytes of an unfinished write cut') }),
    ]);
    await torn.append('t', [rec('k', 'three')]);
    expect(await valuesOf(torn, 't')).toEqual([
      [0, 'one'],
      [1, 'two'],
      [2, 'three'],
    ]);
    await torn.close();

    truncateSync(file, statSync(file).size - 3); // the last record loses its end
    const cut = await DurableLog.open(dir, { t: 1 });
    expect(await valuesOf(cut, 't')).toEqual([
      [0, 'one'],
      [1, 'two'],
    ]);
    await cut.close();
  });

  it('skips a corrupt frame in the middle, keeps every valid frame after it with its offset, and copies the damage aside', async () => {
    const log = await DurableLog.open(dir, { t: 1 });
    for (const v of ['one', 'two', 'three', 'four']) await log.append('t', [rec('k', v)]);
    await log.close();
    const file = segment('t');
    const bytes = readFileSync(file);
    const frame = bytes.length / 4; // the four frames are about equally long: flip a byte inside the second
    bytes[Math.floor(frame * 1.5)] ^= 0xff;
    writeFileSync(file, bytes);
    const again = await DurableLog.open(dir, { t: 1 });
    expect(await valuesOf(again, 't')).toEqual([
      [0, 'one'],
      [2, 'three'],
      [3, 'four'],
    ]);
    expect(again.damage).toEqual([
      expect.objectContaining({
        kind: 'skipped',
        message: expect.stringMatching(/unreadable bytes .* skipped \(offsets between 0 and 2\)/),
      }),
    ]);
    expect(readFileSync(`${file}.quarantine`).length).toBeGreaterThan(0);
    expect(again.highWatermark('t', 0)).toBe(4);
    await again.append('t', [rec('k', 'five')]);
    expect((await again.read('t', 0, 1, 10)).map((r) => r.offset)).toEqual([2, 3, 4]);
    await again.close();
  });

  it('never assigns again an offset a consumer committed, even when its frames were cut', async () => {
    const log = await DurableLog.open(dir, { t: 1 });
    await log.append('t', [rec('k', 'one'), rec('k', 'two'), rec('k', 'three')]);
    await log.close();
    truncateSync(segment('t'), 0); // the acknowledged frames are gone (a damaged disk, a restored backup)
    const again = await DurableLog.open(dir, { t: 1 });
    again.checkCommitted('aggregator', 't', 0, 3);
    expect(again.damage.at(-1)).toMatchObject({
      kind: 'cut',
      message: 'aggregator committed t-0 up to 3 but the log ends at 0: offsets 0–2 are gone; new records start at 3',
    });
    await again.append('t', [rec('k', 'four')]);
    expect(await valuesOf(again, 't')).toEqual([[3, 'four']]);
    await again.close();
    const reopened = await DurableLog.open(dir, { t: 1 });
    expect(reopened.highWatermark('t', 0)).toBe(4);
    await reopened.close();
  });

  it('rolls segments and trims only whole segments every consumer committed and that are old enough', async () => {
    const log = await DurableLog.open(dir, { t: 1 });
    const big = 'x'.repeat(SEGMENT_BYTES / 2 + 1);
    for (let i = 0; i < 5; i++) await log.append('t', [rec('k', `${i}${big}`)]);
    const files = () => readdirSync(join(dir, 't', '0')).sort();
    expect(files()).toEqual([0, 2, 4].map((b) => `${String(b).padStart(20, '0')}.log`));
    expect(await log.trim('t', 0, 3, Date.now() + 1)).toBe(1); // offsets 0-1 committed: the first segment goes
    expect(await log.trim('t', 0, 3, Date.now() - 60_000)).toBe(0); // not old enough
    expect(files()).toEqual([2, 4].map((b) => `${String(b).padStart(20, '0')}.log`));
    expect((await log.read('t', 0, 0, 10)).map((r) => r.offset)).toEqual([2, 3]);
    await log.close();
    const again = await DurableLog.open(dir, { t: 1 });
    expect((await again.read('t', 0, 4, 10)).map((r) => r.value.toString().slice(0, 1))).toEqual(['4']);
    await again.close();
  });

  it('converts a log written before offsets were in frames, keeping offsets and contents', async () => {
    const crc = (b: Buffer) => crc32(b);
    const old = (value: string) => {
      const body = Buffer.alloc(10 + 1 + value.length);
      body.writeDoubleBE(1_700_000_000_000, 0);
      body.writeUInt16BE(1, 8);
      body.write('k', 10);
      body.write(value, 11);
      const head = Buffer.alloc(8);
      head.writeUInt32BE(body.length, 0);
      head.writeUInt32BE(crc(body), 4);
      return Buffer.concat([head, body]);
    };
    mkdirSync(join(dir, 't'), { recursive: true });
    writeFileSync(join(dir, 't', '0.log'), Buffer.concat([old('one'), old('two')]));
    const log = await DurableLog.open(dir, { t: 1 });
    expect(await valuesOf(log, 't')).toEqual([
      [0, 'one'],
      [1, 'two'],
    ]);
    await log.close();
    expect(existsSync(join(dir, 't', '0.log.converted'))).toBe(true);
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

import type { MSKEvent } from 'aws-lambda';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogConsumer, type Processor } from '../../local/consumer';
import { DurableLog } from '../../durable-log/log';

const values = (e: MSKEvent) =>
  Object.values(e.records)
    .flat()
    .map((r) => Buffer.from(r.value, 'base64').toString());

describe('log consumer', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cs-consumer-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('hands records over in the MSK event shape and commits only after the processor succeeded', async () => {
    const log = await DurableLog.open(join(dir, 'log'), { t: 2 });
    await log.append(
      't',
      ['a', 'b', 'c'].map((v) => ({ key: Buffer.from(v), value: Buffer.from(v) })),
    );
    const seen: string[][] = [];
    let fail = true;
    const processor: Processor = {
      name: 'p',
      topics: ['t'],
      handle: async (event) => {
        expect(event.eventSource).toBe('aws:kafka');
        seen.push(values(event).sort());
        if (fail) throw new Error('warehouse down');
      },
    };
    const offsets = join(dir, 'offsets', 'p.json');
    const consumer = new LogConsumer(log, processor, offsets);
    await expect(consumer.poll()).rejects.toThrow('warehouse down');
    expect(consumer.lag()).toBe(3); // nothing committed
    fail = false;
    expect(await consumer.poll()).toBe(true);
    expect(consumer.lag()).toBe(0);
    expect(await consumer.poll()).toBe(false);
    expect(seen).toEqual([
      ['a', 'b', 'c'],
      ['a', 'b', 'c'],
    ]);

    // A new consumer on the same offsets file resumes after what was committed.
    await log.append('t', [{ key: Buffer.from('d'), value: Buffer.from('d') }]);
    const resumed = new LogConsumer(log, processor, offsets);
    await resumed.start();
    for (let i = 0; i < 100 && resumed.lag() > 0; i++) await new Promise((r) => setTimeout(r, 10));
    await resumed.stop();
    expect(seen.at(-1)).toEqual(['d']);

    // Polled without running (import, replay): open() first, and it too resumes after the commit.
    await log.append('t', [{ key: Buffer.from('e'), value: Buffer.from('e') }]);
    const polled = new LogConsumer(log, processor, offsets);
    await polled.open();
    expect(await polled.poll()).toBe(true);
    expect(seen.at(-1)).toEqual(['e']);
    expect(await polled.poll()).toBe(false);
    await log.close();
  });

  it('hands a queueing processor the next batch while the last is processed, commits in order, and reads again from the commit after a failure', async () => {
    const log = await DurableLog.open(join(dir, 'log'), { t: 1 });
    await log.append(
      't',
      ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((v) => ({ key: Buffer.from(v), value: Buffer.from(v) })),
    );
    const applied: string[] = [];
    const errors: string[] = [];
    let held = 0;
    let mostHeld = 0;
    let failed = false;
    // As the warehouse worker queues batches: in order, and a batch behind a failed one fails without running.
    let last: Promise<void> | undefined;
    const processor: Processor = {
      name: 'p',
      topics: ['t'],
      queues: true,
      handle: (event) => {
        const batch = values(event);
        mostHeld = Math.max(mostHeld, ++held);
        const work = async () => {
          await new Promise((r) => setTimeout(r, 20));
          if (batch[0] === 'c' && !failed) {
            failed = true;
            throw new Error('warehouse down');
          }
          applied.push(...batch);
        };
        const done = last ? last.then(work) : work();
        last = done;
        return done.finally(() => {
          held--;
          if (last === done) last = undefined;
        });
      },
    };
    const consumer = new LogConsumer(log, processor, join(dir, 'offsets', 'p.json'), 2, (err) => errors.push(err.message));
    await consumer.start();
    for (let i = 0; i < 300 && consumer.lag() > 0; i++) await new Promise((r) => setTimeout(r, 10));
    await consumer.stop();
    expect(errors).toEqual(['warehouse down']);
    expect(applied).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
    expect(mostHeld).toBe(2);
    expect(consumer.lag()).toBe(0);
    await log.close();
  });

  it('hands a queueing processor a batch ahead of its turn only when the batch is full', async () => {
    const log = await DurableLog.open(join(dir, 'log'), { t: 1 });
    await log.append(
      't',
      ['a', 'b', 'c', 'd', 'e'].map((v) => ({ key: Buffer.from(v), value: Buffer.from(v) })),
    );
    const handed: string[][] = [];
    const finish: (() => void)[] = [];
    const processor: Processor = {
      name: 'p',
      topics: ['t'],
      queues: true,
      handle: (event) => {
        handed.push(values(event));
        return new Promise<void>((resolve) => finish.push(resolve));
      },
    };
    const until = async (done: () => boolean) => {
      for (let i = 0; i < 300 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
      expect(done()).toBe(true);
    };
    const settle = () => new Promise((r) => setTimeout(r, 50));
    const consumer = new LogConsumer(log, processor, join(dir, 'offsets', 'p.json'), 2);
    await consumer.start();
    // A full batch is handed over while the first is processed.
    await until(() => handed.length === 2);
    await settle();
    expect(handed).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    // The partial one waits while a batch is in flight: records that arrive meanwhile would join it.
    finish[0]();
    await until(() => consumer.lag() === 3);
    await settle();
    expect(handed).toHaveLength(2);
    finish[1]();
    await until(() => handed.length === 3);
    expect(handed[2]).toEqual(['e']);
    finish[2]();
    await until(() => consumer.lag() === 0);
    await consumer.stop();
    await log.close();
  });

  it("gathers records for a processor's window, and hands a batch over as soon as it is full", async () => {
    const log = await DurableLog.open(join(dir, 'log'), { t: 1 });
    const append = (vs: string[]) =>
      log.append(
        't',
        vs.map((v) => ({ key: Buffer.from(v), value: Buffer.from(v) })),
      );
    const handed: { values: string[]; at: number }[] = [];
    const processor: Processor = {
      name: 'p',
      topics: ['t'],
      window: 1000,
      handle: async (event) => {
        handed.push({ values: values(event), at: Date.now() });
      },
    };
    const until = async (done: () => boolean) => {
      for (let i = 0; i < 300 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
      expect(done()).toBe(true);
    };
    const consumer = new LogConsumer(log, processor, join(dir, 'offsets', 'p.json'), 3);
    await consumer.start();
    await append(['a']);
    await new Promise((r) => setTimeout(r, 50));
    expect(handed).toEqual([]);
    // Full: handed over without waiting for the window.
    await append(['b', 'c']);
    await until(() => handed.length === 1);
    expect(handed[0].values).toEqual(['a', 'b', 'c']);
    // Not full: handed over when the window is over.
    const appended = Date.now();
    await append(['d']);
    await until(() => handed.length === 2);
    expect(handed[1].values).toEqual(['d']);
    expect(handed[1].at - appended).toBeGreaterThanOrEqual(950);
    await until(() => consumer.lag() === 0);
    await consumer.stop();
    await log.close();
  });
});

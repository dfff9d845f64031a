/**
 * A consumer group on the durable log: reads each partition from its committed offset, hands
 * the records to a processor in the MSK event shape Lambda receives, and commits the next
 * offsets only after the processor succeeded, so a restart resumes without loss. Replays after
 * a crash between processing and commit are absorbed by the processors (watermarks, ids, keys).
 */
import type { MSKEvent } from 'aws-lambda';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { toMskEvent } from '../lambda/shared/msk-event';
import type { DurableLog, LogRecord } from '../durable-log/log';

/** A stream processor as local mode runs it: the same code path the Lambda handler calls. */
export interface Processor {
  name: string;
  topics: string[];
  handle(event: MSKEvent): Promise<void>;
}

type Offsets = Record<string, Record<string, number>>;

/** Runs one processor over the log until stopped. */
export class LogConsumer {
  private offsets: Offsets = {};
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  /** The last error, if the processor is failing (it is retried with backoff). */
  lastError: Error | undefined;

  constructor(
    private readonly log: DurableLog,
    readonly processor: Processor,
    private readonly offsetsFile: string,
    private readonly maxRecords = 2000,
    private readonly onError: (err: Error) => void = () => undefined,
  ) {}

  /** Loads committed offsets and starts consuming. */
  async start(): Promise<void> {
    await this.open();
    this.running = true;
    const unsubscribe = this.log.onAppend(() => this.wake?.());
    this.loop = this.run().finally(unsubscribe);
  }

  /** Loads the committed offsets (and checks them against the log): needed before the first {@link poll}. */
  async open(): Promise<void> {
    try {
      this.offsets = JSON.parse(await readFile(this.offsetsFile, 'utf8')) as Offsets;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
        throw new Error(`${this.offsetsFile}: unreadable offsets file: ${(err as Error).message}`, { cause: err });
    }
    for (const topic of this.processor.topics) {
      for (let p = 0; p < this.log.partitionCount(topic); p++)
        this.log.checkCommitted(this.processor.name, topic, p, this.committed(topic, p));
    }
  }

  /** Stops after the batch in progress. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  /** The committed offset of a partition (0 before the first commit). */
  committed(topic: string, partition: number): number {
    return this.offsets[topic]?.[partition] ?? 0;
  }

  /** Records not yet processed, over all partitions. */
  lag(): number {
    let lag = 0;
    for (const topic of this.processor.topics) {
      for (let p = 0; p < this.log.partitionCount(topic); p++) lag += this.log.highWatermark(topic, p) - this.committed(topic, p);
    }
    return lag;
  }

  /** Processes one batch if there is one; returns whether there was. */
  async poll(): Promise<boolean> {
    const records: LogRecord[] = [];
    for (const topic of this.processor.topics) {
      for (let p = 0; p < this.log.partitionCount(topic) && records.length < this.maxRecords; p++) {
        records.push(...(await this.log.read(topic, p, this.committed(topic, p), this.maxRecords - records.length)));
      }
    }
    if (records.length === 0) return false;
    await this.processor.handle(toMskEvent(records));
    for (const r of records) (this.offsets[r.topic] ??= {})[r.partition] = r.offset + 1;
    await this.commit();
    return true;
  }

  private async run(): Promise<void> {
    let backoff = 0;
    while (this.running) {
      try {
        const worked = await this.poll();
        this.lastError = undefined;
        backoff = 0;
        if (!worked) await this.idle(500);
      } catch (err) {
        this.lastError = err as Error;
        this.onError(err as Error);
        backoff = Math.min(5000, backoff ? backoff * 2 : 100);
        await this.idle(backoff);
      }
    }
  }

  private idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  /** Writes the offsets to a temporary file, syncs it and renames it over the old one. */
  private async commit(): Promise<void> {
    await mkdir(dirname(this.offsetsFile), { recursive: true });
    const tmp = `${this.offsetsFile}.tmp`;
    const file = await open(tmp, 'w');
    try {
      await file.writeFile(JSON.stringify(this.offsets));
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, this.offsetsFile);
  }
}

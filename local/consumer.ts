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
  /**
   * True when `handle` may be called with the next batch before the last call settled: the calls
   * run in order, and a call whose predecessor failed fails without running (the warehouse worker).
   */
  queues?: boolean;
  /**
   * Milliseconds to gather records before handing over a batch that is not full, as a Lambda
   * event source mapping's batching window does; by default a batch is handed over at once.
   */
  window?: number;
}

type Offsets = Record<string, Record<string, number>>;

/** Runs one processor over the log until stopped. */
export class LogConsumer {
  private offsets: Offsets = {};
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  /** When the records now waiting began to be gathered, while the processor's window is open. */
  private gatheringSince: number | undefined;
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
    return this.behind(this.offsets);
  }

  /** Records in the log after the offsets `from`, over all partitions. */
  private behind(from: Offsets): number {
    let n = 0;
    for (const topic of this.processor.topics) {
      for (let p = 0; p < this.log.partitionCount(topic); p++) n += this.log.highWatermark(topic, p) - (from[topic]?.[p] ?? 0);
    }
    return n;
  }

  /** Processes one batch if there is one; returns whether there was. */
  async poll(): Promise<boolean> {
    const records = await this.read(this.offsets);
    if (records.length === 0) return false;
    await this.processor.handle(toMskEvent(records));
    await this.commit(records);
    return true;
  }

  /** The records after the offsets `from`, at most `maxRecords`. */
  private async read(from: Offsets): Promise<LogRecord[]> {
    const records: LogRecord[] = [];
    for (const topic of this.processor.topics) {
      for (let p = 0; p < this.log.partitionCount(topic) && records.length < this.maxRecords; p++) {
        records.push(...(await this.log.read(topic, p, from[topic]?.[p] ?? 0, this.maxRecords - records.length)));
      }
    }
    return records;
  }

  private async run(): Promise<void> {
    const batches = new InFlight(this.processor.queues ? 2 : 1);
    let backoff = 0;
    while (this.running) {
      try {
        await this.fill(batches);
        const records = await batches.next();
        if (records) await this.commit(records);
        else
          await this.idle(this.gatheringSince === undefined ? 500 : Math.max(1, this.gatheringSince + this.processor.window! - Date.now()));
        this.lastError = undefined;
        backoff = 0;
      } catch (err) {
        await batches.drop();
        this.lastError = err as Error;
        this.onError(err as Error);
        backoff = Math.min(5000, backoff ? backoff * 2 : 100);
        await this.idle(backoff);
      }
    }
    // Batches handed over before the stop still count: their offsets are committed if they succeed.
    for (let records = await batches.next().catch(() => undefined); records; records = await batches.next().catch(() => undefined))
      await this.commit(records);
  }

  /**
   * Hands the processor batches until it holds as many as it takes: with a processor that queues
   * them, the next batch is read and handed over while the last is processed, so the warehouse
   * worker never waits for this thread between batches. Offsets are committed in order, each
   * after its batch succeeded; after a failure reading starts again from the committed offsets.
   * A batch handed over ahead of its turn must be full: a partial one would only wait in the queue
   * while records arrive that it could have carried, and every batch has a fixed cost (under
   * sustained load, batches alternated between full and a few records).
   */
  private async fill(batches: InFlight): Promise<void> {
    while (batches.room() && this.running) {
      const from = batches.readFrom() ?? this.offsets;
      if (batches.held() > 0 && this.behind(from) < this.maxRecords) return;
      if (this.gathering(from)) return;
      const records = await this.read(from);
      if (records.length === 0) return;
      const after = structuredClone(from);
      for (const r of records) (after[r.topic] ??= {})[r.partition] = r.offset + 1;
      batches.add(records, after, this.processor.handle(toMskEvent(records)));
    }
  }

  /** Whether the records after `from` are still being gathered: fewer than a full batch, and the window not yet over. */
  private gathering(from: Offsets): boolean {
    const { window } = this.processor;
    const waiting = window === undefined ? 0 : this.behind(from);
    if (waiting > 0 && waiting < this.maxRecords && Date.now() - (this.gatheringSince ??= Date.now()) < window!) return true;
    this.gatheringSince = undefined;
    return false;
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

  /** Moves the offsets past `records` and writes them to a temporary file, syncs it and renames it over the old one. */
  private async commit(records: readonly LogRecord[]): Promise<void> {
    for (const r of records) (this.offsets[r.topic] ??= {})[r.partition] = r.offset + 1;
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

/** The batches a processor holds, oldest first, each with the offsets after it. */
class InFlight {
  private readonly batches: { records: LogRecord[]; after: Offsets; done: Promise<void> }[] = [];

  constructor(private readonly size: number) {}

  room(): boolean {
    return this.batches.length < this.size;
  }

  /** How many batches are held. */
  held(): number {
    return this.batches.length;
  }

  /** Where the next batch starts: after the newest one held, or undefined when none is. */
  readFrom(): Offsets | undefined {
    return this.batches.at(-1)?.after;
  }

  add(records: LogRecord[], after: Offsets, done: Promise<void>): void {
    // Awaited in order by next(); until then a failure must not count as unhandled.
    done.catch(() => undefined);
    this.batches.push({ records, after, done });
  }

  /** Waits for the oldest batch; resolves with its records once it succeeded, or undefined when none is held. */
  async next(): Promise<LogRecord[] | undefined> {
    const oldest = this.batches[0];
    if (!oldest) return undefined;
    await oldest.done;
    this.batches.shift();
    return oldest.records;
  }

  /** Forgets every batch, once each has settled: the next read starts from the committed offsets. */
  async drop(): Promise<void> {
    await Promise.allSettled(this.batches.map((b) => b.done));
    this.batches.length = 0;
  }
}

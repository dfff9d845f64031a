/**
 * The local stand-in for Kafka: an append-only, partitioned, synchronously written log on disk.
 *
 * Records are placed on partitions by the same murmur2 key hash Kafka uses, appended as
 * CRC-checked frames that carry their offsets, and group-committed: every append waiting while a
 * flush runs is written together in the next one, through files opened with `O_DSYNC` (each write
 * is on disk when it returns), and its promise resolves only then. At open, a torn tail is cut
 * and damage mid-file is skipped and copied aside (see scan.ts); both are reported in `damage`.
 */
import { join } from 'node:path';
import { partitionFor, type KafkaRecord } from '../contract';
import type { LogRecord } from './frame';
import { convertLegacyPartition } from './legacy';
import { Partition, type Damage } from './partition';

export type { LogRecord } from './frame';
export type { Damage } from './partition';

/** Topic name → partition count. */
export type TopicLayout = Record<string, number>;

interface Pending {
  topic: string;
  records: KafkaRecord[];
  resolve: () => void;
  reject: (err: Error) => void;
}

/** An open log directory. */
export class DurableLog {
  private pending: Pending[] = [];
  private flushing: Promise<void> | undefined;
  private closed = false;
  private readonly listeners = new Set<() => void>();

  private constructor(
    private readonly partitions: Map<string, Partition[]>,
    /** What recovery found at open and what consumers reported since (cut offsets). */
    readonly damage: Damage[],
  ) {}

  /** Opens (creating if needed) a log under `dir` with the given topics, recovering each partition. */
  static async open(dir: string, topics: TopicLayout): Promise<DurableLog> {
    const map = new Map<string, Partition[]>();
    const damage: Damage[] = [];
    for (const [topic, count] of Object.entries(topics)) {
      const parts: Partition[] = [];
      for (let p = 0; p < count; p++) {
        const folder = join(dir, topic, String(p));
        await convertLegacyPartition(join(dir, topic, `${p}.log`), folder);
        parts.push(await Partition.open(folder, topic, p, damage));
      }
      map.set(topic, parts);
    }
    return new DurableLog(map, damage);
  }

  /** Number of partitions of a topic. */
  partitionCount(topic: string): number {
    return this.topic(topic).length;
  }

  /** Appends records; resolves once they are on disk (O_DSYNC write), rejects if the write failed. */
  append(topic: string, records: KafkaRecord[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('log is closed'));
    if (!this.partitions.has(topic)) return Promise.reject(new Error(`unknown topic "${topic}"`));
    return new Promise((resolve, reject) => {
      this.pending.push({ topic, records, resolve, reject });
      if (!this.flushing) this.flushing = this.flushLoop();
    });
  }

  /** The next offset to be written on a partition (the high watermark: everything below it is durable). */
  highWatermark(topic: string, partition: number): number {
    return this.topic(topic)[partition].highWatermark();
  }

  /** Reads up to `max` durable records from `offset` on. */
  read(topic: string, partition: number, offset: number, max: number): Promise<LogRecord[]> {
    return this.topic(topic)[partition].read(offset, max);
  }

  /**
   * Checks a consumer's committed offset against the log. An offset beyond the end means
   * acknowledged frames were cut (a damaged disk, a restored backup): they are reported, and
   * their offsets are never assigned again, so the consumer cannot skip new records.
   */
  checkCommitted(consumer: string, topic: string, partition: number, committed: number): void {
    const part = this.topic(topic)[partition];
    const end = part.highWatermark();
    if (committed <= end) return;
    part.reserve(committed);
    this.damage.push({
      topic,
      partition,
      kind: 'cut',
      message: `${consumer} committed ${topic}-${partition} up to ${committed} but the log ends at ${end}: offsets ${end}–${committed - 1} are gone; new records start at ${committed}`,
    });
  }

  /** Deletes whole segments of a partition below `committed` whose newest record is older than `before` (ms); returns how many. */
  trim(topic: string, partition: number, committed: number, before: number): Promise<number> {
    return this.topic(topic)[partition].trim(committed, before);
  }

  /** Calls `listener` after every successful flush; returns a function that unsubscribes. */
  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Flushes what is pending, then closes the files. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flushing;
    for (const parts of this.partitions.values()) for (const p of parts) await p.close();
  }

  private topic(topic: string): Partition[] {
    const parts = this.partitions.get(topic);
    if (!parts) throw new Error(`unknown topic "${topic}"`);
    return parts;
  }

  private async flushLoop(): Promise<void> {
    // Start after this turn of the event loop: every request read in it joins the first flush.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      try {
        await this.write(batch);
        for (const b of batch) b.resolve();
        for (const l of this.listeners) l();
      } catch (err) {
        for (const b of batch) b.reject(err as Error);
      }
    }
    this.flushing = undefined;
  }

  /**
   * Writes a batch: its records grouped by partition, one write per partition. Every
   * partition's write settles before the batch fails, so the next flush never overlaps one.
   */
  private async write(batch: Pending[]): Promise<void> {
    const groups = new Map<Partition, KafkaRecord[]>();
    for (const { topic, records } of batch) {
      const parts = this.topic(topic);
      for (const r of records) {
        const part = parts.length === 1 ? parts[0] : parts[partitionFor(r.key, parts.length)];
        const list = groups.get(part);
        if (list) list.push(r);
        else groups.set(part, [r]);
      }
    }
    const now = Date.now();
    if (groups.size === 1) {
      const [[part, records]] = groups;
      return part.append(records, now);
    }
    const results = await Promise.allSettled(Array.from(groups, ([part, records]) => part.append(records, now)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}

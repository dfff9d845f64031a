/**
 * The local stand-in for Kafka: an append-only, partitioned, synchronously written log on disk.
 *
 * Records are placed on partitions by the same murmur2 key hash Kafka uses, appended as
 * CRC-checked frames, and group-committed: every append waiting while a flush runs is written
 * together in the next one, through files opened with `O_DSYNC` (each write is on disk when it
 * returns, as with write + `fdatasync`), and its promise resolves only then. A torn tail
 * after a crash is detected by length and CRC and cut off at open.
 */
import { close, constants, open as openFd, read, write } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { crc32 } from 'node:zlib';
import { partitionFor, type KafkaRecord } from '../contract';

/** A record read back from the log, as a Kafka consumer would see it. */
export interface LogRecord {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  key: Buffer;
  value: Buffer;
}

/** Topic name → partition count. */
export type TopicLayout = Record<string, number>;

interface Partition {
  /** Opened `O_RDWR | O_DSYNC`; the callback API costs the hot path less than a FileHandle. */
  fd: number;
  /** Byte position of each offset's frame, plus the end of the last one. */
  positions: number[];
}

interface Pending {
  topic: string;
  records: KafkaRecord[];
  resolve: () => void;
  reject: (err: Error) => void;
}

const HEADER = 8; // u32 length + u32 crc32
const FIXED = 10; // f64 timestamp + u16 key length

/** An open log directory. */
export class DurableLog {
  private pending: Pending[] = [];
  private flushing: Promise<void> | undefined;
  private closed = false;
  private readonly listeners = new Set<() => void>();

  private constructor(
    private readonly partitions: Map<string, Partition[]>,
  ) {}

  /** Opens (creating if needed) a log under `dir` with the given topics, recovering torn tails. */
  static async open(dir: string, topics: TopicLayout): Promise<DurableLog> {
    const map = new Map<string, Partition[]>();
    for (const [topic, count] of Object.entries(topics)) {
      await mkdir(join(dir, topic), { recursive: true });
      const parts: Partition[] = [];
      for (let p = 0; p < count; p++) parts.push(await openPartition(join(dir, topic, `${p}.log`)));
      map.set(topic, parts);
    }
    return new DurableLog(map);
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
    return this.topic(topic)[partition].positions.length - 1;
  }

  /** Reads up to `max` durable records from `offset` on. */
  async read(topic: string, partition: number, offset: number, max: number): Promise<LogRecord[]> {
    const part = this.topic(topic)[partition];
    const end = Math.min(part.positions.length - 1, offset + max);
    if (offset >= end) return [];
    const start = part.positions[offset];
    const buf = Buffer.allocUnsafe(part.positions[end] - start);
    await readAt(part.fd, buf, start);
    const out: LogRecord[] = [];
    let at = 0;
    for (let o = offset; o < end; o++) {
      const len = buf.readUInt32BE(at);
      const body = buf.subarray(at + HEADER, at + HEADER + len);
      const keyLen = body.readUInt16BE(8);
      out.push({
        topic,
        partition,
        offset: o,
        timestamp: body.readDoubleBE(0),
        key: body.subarray(FIXED, FIXED + keyLen),
        value: body.subarray(FIXED + keyLen),
      });
      at += HEADER + len;
    }
    return out;
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
    for (const parts of this.partitions.values()) for (const p of parts) await closeFd(p.fd);
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

  /** Writes a batch: its records grouped by partition, one buffer and one write per partition. */
  private write(batch: Pending[]): Promise<void> {
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
    const writes: Promise<void>[] = [];
    for (const [part, records] of groups) writes.push(appendFrames(part, records, now));
    return writes.length === 1 ? writes[0] : Promise.all(writes).then(() => undefined);
  }
}

/**
 * Appends records as frames at the partition's end in one write. The new offsets become
 * readable only once the write returned (O_DSYNC: on disk); a failed or short write leaves
 * them out, so the next flush writes over whatever part of it landed.
 */
function appendFrames(part: Partition, records: KafkaRecord[], timestamp: number): Promise<void> {
  let size = 0;
  for (const r of records) size += HEADER + FIXED + r.key.length + r.value.length;
  const data = Buffer.allocUnsafe(size);
  const start = part.positions[part.positions.length - 1];
  const ends: number[] = [];
  let at = 0;
  for (const r of records) {
    at = writeFrame(data, at, r, timestamp);
    ends.push(start + at);
  }
  return new Promise((resolve, reject) => {
    write(part.fd, data, 0, size, start, (err, written) => {
      if (err) return reject(err);
      if (written !== size) return reject(new Error(`short write: ${written} of ${size} bytes`));
      for (const end of ends) part.positions.push(end);
      resolve();
    });
  });
}

/** Writes one frame (length, CRC-32 of the body, timestamp, key length, key, value) at `at`; returns its end. */
function writeFrame(buf: Buffer, at: number, record: KafkaRecord, timestamp: number): number {
  const len = FIXED + record.key.length + record.value.length;
  const body = at + HEADER;
  buf.writeUInt32BE(len, at);
  buf.writeDoubleBE(timestamp, body);
  buf.writeUInt16BE(record.key.length, body + 8);
  record.key.copy(buf, body + FIXED);
  record.value.copy(buf, body + FIXED + record.key.length);
  buf.writeUInt32BE(crc32(buf.subarray(body, body + len)), at + 4);
  return body + len;
}

const openAt = promisify(openFd);
const closeFd = promisify(close);

function readAt(fd: number, buf: Buffer, position: number): Promise<void> {
  return new Promise((resolve, reject) => {
    read(fd, buf, 0, buf.length, position, (err, n) => {
      if (err) reject(err);
      else if (n !== buf.length) reject(new Error(`short read: ${n} of ${buf.length} bytes`));
      else resolve();
    });
  });
}

/** Opens a partition file and indexes its frames, truncating a torn or corrupt tail. */
async function openPartition(path: string): Promise<Partition> {
  const file = await open(path, 'a+');
  const { size } = await file.stat();
  const data = Buffer.allocUnsafe(size);
  if (size > 0) await file.read(data, 0, size, 0);
  const positions = [0];
  let at = 0;
  while (at + HEADER <= size) {
    const len = data.readUInt32BE(at);
    if (len < FIXED || at + HEADER + len > size) break;
    if (crc32(data.subarray(at + HEADER, at + HEADER + len)) !== data.readUInt32BE(at + 4)) break;
    at += HEADER + len;
    positions.push(at);
  }
  if (at < size) {
    await file.truncate(at);
    await file.datasync();
  }
  await file.close();
  // Reopen read-write without O_APPEND so writes land at explicit positions, and with O_DSYNC so
  // each write is durable when it returns (one system call per flush instead of write + fdatasync).
  return { fd: await openAt(path, constants.O_RDWR | constants.O_DSYNC), positions };
}

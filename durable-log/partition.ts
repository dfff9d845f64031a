/**
 * One partition of the durable log: a folder of segment files named by their first offset.
 * Appends go to the last segment (a new one starts past {@link SEGMENT_BYTES}); whole segments
 * that every consumer has committed are deleted by {@link Partition.trim}.
 */
import { close, constants, ftruncate, open, read, write } from 'node:fs';
import { mkdir, readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { KafkaRecord } from '../contract';
import { decodeFrame, encodeFrames, type LogRecord } from './frame';
import { scanSegment } from './scan';

/** A segment grows to about this size before the next one starts. */
export const SEGMENT_BYTES = 64 * 1024 * 1024;

const openFd = promisify(open);
const closeFd = promisify(close);
const truncateFd = promisify(ftruncate);
const readAt = promisify(read);

/** Damage found or caused, for local mode's status and log. */
export interface Damage {
  topic: string;
  partition: number;
  /** `skipped`: unreadable bytes mid-file (copied to a .quarantine file); `torn`: a cut tail; `cut`: committed offsets with no frame. */
  kind: 'skipped' | 'torn' | 'cut';
  message: string;
}

interface Segment {
  base: number;
  path: string;
  /** Opened `O_RDWR | O_DSYNC`: each write is on disk when it returns. */
  fd: number;
  offsets: number[];
  positions: number[];
  /** Bytes of valid frames: where the next write goes. */
  end: number;
  /** Timestamp of the newest frame (for retention). */
  newest: number;
}

const name = (base: number) => `${String(base).padStart(20, '0')}.log`;

/** An open partition. */
export class Partition {
  private constructor(
    readonly topic: string,
    readonly partition: number,
    private readonly dir: string,
    private readonly segments: Segment[],
    /** The next offset to assign; never below a committed offset (see {@link reserve}). */
    private next: number,
  ) {}

  /** Opens the partition folder, recovering each segment; damage found is pushed to `damage`. */
  static async open(dir: string, topic: string, partition: number, damage: Damage[]): Promise<Partition> {
    await mkdir(dir, { recursive: true });
    const files = (await readdir(dir)).filter((f) => /^\d{20}\.log$/.test(f)).sort();
    const segments: Segment[] = [];
    let last = -1;
    for (const f of files) {
      const path = join(dir, f);
      const fd = await openFd(path, constants.O_RDWR | constants.O_DSYNC);
      const { size } = await stat(path);
      const index = await scanSegment(fd, size, path, last);
      for (const s of index.skipped) {
        damage.push({
          topic,
          partition,
          kind: 'skipped',
          message: `${path}: ${s.bytes} unreadable bytes at ${s.at} skipped (offsets between ${s.afterOffset} and ${s.beforeOffset}), copied to ${f}.quarantine`,
        });
      }
      if (index.tornBytes > 0) {
        await truncateFd(fd, index.end);
        damage.push({
          topic,
          partition,
          kind: 'torn',
          message: `${path}: ${index.tornBytes} bytes of an unfinished write cut at ${index.end}`,
        });
      }
      if (index.offsets.length > 0) last = index.offsets[index.offsets.length - 1];
      segments.push({
        base: Number(f.slice(0, 20)),
        path,
        fd,
        offsets: index.offsets,
        positions: index.positions,
        end: index.end,
        newest: await newestTimestamp(fd, index),
      });
    }
    const part = new Partition(topic, partition, dir, segments, Math.max(last + 1, segments.at(-1)?.base ?? 0));
    if (segments.length === 0) await part.roll();
    return part;
  }

  /** The next offset to be written: everything below it that exists is durable. */
  highWatermark(): number {
    return this.next;
  }

  /**
   * Makes sure no offset below `offset` is ever assigned again: called with a consumer's
   * committed offset, so offsets whose frames were lost are not reused for new records
   * (which the consumer would then skip).
   */
  reserve(offset: number): void {
    this.next = Math.max(this.next, offset);
  }

  /**
   * Appends records as frames in one write. The offsets become readable only once the write
   * returned (O_DSYNC: on disk). A failed or short write is cut back off the file, so the next
   * write starts from what is really there.
   */
  async append(records: readonly KafkaRecord[], timestamp: number): Promise<void> {
    let seg = this.segments[this.segments.length - 1];
    if (seg.end >= SEGMENT_BYTES) seg = await this.roll();
    const first = this.next;
    const { data, ends } = encodeFrames(records, first, timestamp);
    const start = seg.end;
    try {
      const written = await new Promise<number>((resolve, reject) =>
        write(seg.fd, data, 0, data.length, start, (err, n) => (err ? reject(err) : resolve(n))),
      );
      if (written !== data.length) throw new Error(`short write: ${written} of ${data.length} bytes (is the disk full?)`);
    } catch (err) {
      // Best effort: the write's own error is what the caller must see; if the cut fails too, the
      // next write still starts at `start` and recovery at open drops whatever lies past the frames.
      await truncateFd(seg.fd, start).catch(() => undefined);
      throw err;
    }
    for (let i = 0; i < ends.length; i++) {
      seg.offsets.push(first + i);
      seg.positions.push(start + (i === 0 ? 0 : ends[i - 1]));
    }
    seg.end = start + data.length;
    seg.newest = timestamp;
    this.next = first + records.length;
  }

  /** Reads up to `max` records with offsets from `offset` on (skipping offsets that have no frame). */
  async read(offset: number, max: number): Promise<LogRecord[]> {
    let s = this.segments.length - 1;
    while (s > 0 && this.segments[s].base > offset) s--;
    for (; s < this.segments.length; s++) {
      const seg = this.segments[s];
      const from = lowerBound(seg.offsets, offset);
      if (from === seg.offsets.length) continue;
      const to = Math.min(seg.offsets.length, from + max);
      const start = seg.positions[from];
      const buf = Buffer.allocUnsafe((to < seg.offsets.length ? seg.positions[to] : seg.end) - start);
      const { bytesRead } = await readAt(seg.fd, buf, 0, buf.length, start);
      if (bytesRead !== buf.length) throw new Error(`short read: ${bytesRead} of ${buf.length} bytes`);
      const out: LogRecord[] = [];
      for (let i = from; i < to; i++) out.push(decodeFrame(buf, seg.positions[i] - start, this.topic, this.partition));
      return out;
    }
    return [];
  }

  /** Deletes whole segments (never the last) whose records are all below `committed` and older than `before` (ms). */
  async trim(committed: number, before: number): Promise<number> {
    let removed = 0;
    while (this.segments.length > 1) {
      const [seg, following] = this.segments;
      if (following.base > committed || seg.newest >= before) break;
      this.segments.shift();
      await closeFd(seg.fd);
      await unlink(seg.path);
      await unlink(`${seg.path}.quarantine`).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err; // most segments were never damaged
      });
      removed++;
    }
    return removed;
  }

  /** Closes the files. */
  async close(): Promise<void> {
    for (const s of this.segments) await closeFd(s.fd);
  }

  /** Starts a new segment at the next offset. */
  private async roll(): Promise<Segment> {
    const path = join(this.dir, name(this.next));
    const fd = await openFd(path, constants.O_RDWR | constants.O_CREAT | constants.O_DSYNC);
    const seg: Segment = { base: this.next, path, fd, offsets: [], positions: [], end: 0, newest: 0 };
    this.segments.push(seg);
    return seg;
  }
}

/** The first index whose value is ≥ `x`. */
function lowerBound(values: readonly number[], x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

async function newestTimestamp(fd: number, index: { positions: number[]; end: number }): Promise<number> {
  const n = index.positions.length;
  if (n === 0) return 0;
  const buf = Buffer.allocUnsafe(index.end - index.positions[n - 1]);
  await readAt(fd, buf, 0, buf.length, index.positions[n - 1]);
  return decodeFrame(buf, 0, '', 0).timestamp;
}

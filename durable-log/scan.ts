/**
 * Recovery of one segment file at open: frames are indexed in chunks (never the whole file in
 * memory); a damaged region in the middle is skipped by searching for the next valid frame and
 * its bytes are copied aside; what cannot be read at the end (a write torn by a crash) is cut.
 */
import { appendFile } from 'node:fs/promises';
import { read } from 'node:fs';
import { promisify } from 'node:util';
import { frameOffset, HEADER, validFrameAt } from './frame';

const readAt = promisify(read);
const CHUNK = 4 * 1024 * 1024;

/** What a scan found. */
export interface SegmentIndex {
  /** Offsets of the valid frames, ascending. */
  offsets: number[];
  /** Byte position of each of those frames. */
  positions: number[];
  /** End of the last valid frame: where the next write goes. */
  end: number;
  /** Damaged regions skipped in the middle of the file (their bytes are in `<file>.quarantine`). */
  skipped: { at: number; bytes: number; afterOffset: number; beforeOffset: number }[];
  /** Bytes after the last valid frame (a torn write), cut by the caller. */
  tornBytes: number;
}

/** A read-through window over a file descriptor. */
class Window {
  private buf = Buffer.alloc(0);
  private start = 0;
  constructor(
    private readonly fd: number,
    readonly size: number,
  ) {}

  /** A buffer holding [pos, pos + n) (less at the end of the file), and where pos is in it. */
  async at(pos: number, n: number): Promise<{ buf: Buffer; i: number }> {
    const want = Math.min(n, this.size - pos);
    if (pos < this.start || pos + want > this.start + this.buf.length) {
      const len = Math.min(Math.max(CHUNK, n), this.size - pos);
      this.buf = Buffer.allocUnsafe(len);
      const { bytesRead } = await readAt(this.fd, this.buf, 0, len, pos);
      this.buf = this.buf.subarray(0, bytesRead);
      this.start = pos;
    }
    return { buf: this.buf, i: pos - this.start };
  }
}

/** The total length of a valid frame at `pos` with an offset above `after`, or 0. */
async function frameAt(w: Window, pos: number, after: number): Promise<number> {
  let { buf, i } = await w.at(pos, HEADER);
  if (i + HEADER > buf.length) return 0;
  const len = buf.readUInt32BE(i);
  ({ buf, i } = await w.at(pos, HEADER + Math.min(len, w.size)));
  const total = validFrameAt(buf, i);
  return total > 0 && frameOffset(buf, i) > after ? total : 0;
}

/** Indexes the segment in `path` (open as `fd`, `size` bytes); `after` is the last offset before it. */
export async function scanSegment(fd: number, size: number, path: string, after: number): Promise<SegmentIndex> {
  const w = new Window(fd, size);
  const index: SegmentIndex = { offsets: [], positions: [], end: 0, skipped: [], tornBytes: 0 };
  let last = after;
  let pos = 0;
  while (pos < size) {
    const total = await frameAt(w, pos, last);
    if (total > 0) {
      const { buf, i } = await w.at(pos, HEADER + 8);
      last = frameOffset(buf, i);
      index.offsets.push(last);
      index.positions.push(pos);
      pos += total;
      index.end = pos;
      continue;
    }
    let next = pos + 1;
    while (next < size && (await frameAt(w, next, last)) === 0) next++;
    if (next >= size) break;
    const { buf, i } = await w.at(next, HEADER + 8);
    index.skipped.push({ at: pos, bytes: next - pos, afterOffset: last, beforeOffset: frameOffset(buf, i) });
    const damaged = Buffer.allocUnsafe(next - pos);
    await readAt(fd, damaged, 0, damaged.length, pos);
    await appendFile(`${path}.quarantine`, damaged);
    pos = next;
  }
  index.tornBytes = size - index.end;
  return index;
}

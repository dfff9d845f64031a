/**
 * Logs written before offsets travelled in frames (`<topic>/<p>.log`, frames numbered by
 * position) are converted once at open into the segment layout, offsets kept.
 */
import { close, constants, fsync, open, read, write } from 'node:fs';
import { mkdir, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { crc32 } from 'node:zlib';
import { encodeFrames } from './frame';

const openFd = promisify(open);
const closeFd = promisify(close);
const syncFd = promisify(fsync);
const readAt = promisify(read);
const writeAt = promisify(write) as (fd: number, buf: Buffer, off: number, len: number, pos: number) => Promise<{ bytesWritten: number }>;

/** Old frame: u32 length, u32 CRC, then f64 timestamp, u16 key length, key, value. */
const OLD_HEADER = 8;
const OLD_FIXED = 10;

/** Converts `legacyFile` into a first segment in `folder`, if the file exists; renames it `*.converted` after. */
export async function convertLegacyPartition(legacyFile: string, folder: string): Promise<void> {
  const size = await stat(legacyFile).then(
    (s) => s.size,
    () => -1,
  );
  if (size < 0) return;
  await mkdir(folder, { recursive: true });
  const src = await openFd(legacyFile, constants.O_RDONLY);
  const dst = await openFd(join(folder, `${'0'.padStart(20, '0')}.log`), constants.O_RDWR | constants.O_CREAT | constants.O_TRUNC);
  try {
    let at = 0;
    let out = 0;
    let offset = 0;
    const header = Buffer.allocUnsafe(OLD_HEADER);
    while (at + OLD_HEADER <= size) {
      await readAt(src, header, 0, OLD_HEADER, at);
      const len = header.readUInt32BE(0);
      if (len < OLD_FIXED || at + OLD_HEADER + len > size) break;
      const body = Buffer.allocUnsafe(len);
      await readAt(src, body, 0, len, at + OLD_HEADER);
      if (crc32(body) !== header.readUInt32BE(4)) break;
      const keyLen = body.readUInt16BE(8);
      const record = { key: body.subarray(OLD_FIXED, OLD_FIXED + keyLen), value: body.subarray(OLD_FIXED + keyLen) };
      const { data } = encodeFrames([record], offset++, body.readDoubleBE(0));
      await writeAt(dst, data, 0, data.length, out);
      out += data.length;
      at += OLD_HEADER + len;
    }
    await syncFd(dst);
  } finally {
    await closeFd(src);
    await closeFd(dst);
  }
  await rename(legacyFile, `${legacyFile}.converted`);
}

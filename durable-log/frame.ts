/**
 * The on-disk frame of one record: u32 body length, u32 CRC-32 of the body, then the body:
 * f64 offset, f64 timestamp (ms), u16 key length, key, value. The offset travels in the frame,
 * so a damaged frame can be skipped without renumbering the ones after it.
 */
import { crc32 } from 'node:zlib';
import type { KafkaRecord } from '../contract';

/** Length and CRC. */
export const HEADER = 8;
/** Offset, timestamp and key length. */
export const FIXED = 18;
/** No frame is larger (the collector's records are kilobytes; this only bounds a corrupt length). */
export const MAX_FRAME = 64 * 1024 * 1024;

/** A record read back from the log, as a Kafka consumer would see it. */
export interface LogRecord {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  key: Buffer;
  value: Buffer;
}

/** Bytes of the frames for `records`, numbered from `firstOffset`, and each frame's end within them. */
export function encodeFrames(records: readonly KafkaRecord[], firstOffset: number, timestamp: number): { data: Buffer; ends: number[] } {
  let size = 0;
  for (const r of records) size += HEADER + FIXED + r.key.length + r.value.length;
  const data = Buffer.allocUnsafe(size);
  const ends: number[] = [];
  let at = 0;
  records.forEach((r, i) => {
    const len = FIXED + r.key.length + r.value.length;
    const body = at + HEADER;
    data.writeUInt32BE(len, at);
    data.writeDoubleBE(firstOffset + i, body);
    data.writeDoubleBE(timestamp, body + 8);
    data.writeUInt16BE(r.key.length, body + 16);
    r.key.copy(data, body + FIXED);
    r.value.copy(data, body + FIXED + r.key.length);
    data.writeUInt32BE(crc32(data.subarray(body, body + len)), at + 4);
    at = body + len;
    ends.push(at);
  });
  return { data, ends };
}

/** The total length of a whole, CRC-valid frame starting at `at` in `buf`, or 0 when there is none. */
export function validFrameAt(buf: Buffer, at: number): number {
  if (at + HEADER > buf.length) return 0;
  const len = buf.readUInt32BE(at);
  if (len < FIXED || len > MAX_FRAME || at + HEADER + len > buf.length) return 0;
  return crc32(buf.subarray(at + HEADER, at + HEADER + len)) === buf.readUInt32BE(at + 4) ? HEADER + len : 0;
}

/** The offset stored in the (valid) frame at `at`. */
export function frameOffset(buf: Buffer, at: number): number {
  return buf.readDoubleBE(at + HEADER);
}

/** Decodes the (valid) frame at `at`. */
export function decodeFrame(buf: Buffer, at: number, topic: string, partition: number): LogRecord {
  const len = buf.readUInt32BE(at);
  const body = buf.subarray(at + HEADER, at + HEADER + len);
  const keyLen = body.readUInt16BE(16);
  return {
    topic,
    partition,
    offset: body.readDoubleBE(0),
    timestamp: body.readDoubleBE(8),
    key: body.subarray(FIXED, FIXED + keyLen),
    value: body.subarray(FIXED + keyLen),
  };
}

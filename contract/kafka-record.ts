/**
 * The Kafka record format, written once: one JSON event per record, UTF-8, keyed by session id
 * so that a session stays on one partition and in order.
 */
import type { ClickEvent } from './event';
import type { BadEvent } from './bad-event';
import { validateEvent, type Validation } from './validate';

/** A record ready for a producer or the local log. */
export interface KafkaRecord {
  key: Buffer;
  value: Buffer;
}

/** Encodes a valid event. The key is the session id. */
export function encodeEvent(event: ClickEvent): KafkaRecord {
  return { key: Buffer.from(event.sessionId, 'utf8'), value: Buffer.from(JSON.stringify(event), 'utf8') };
}

/** Encodes a bad event for the bad-events topic, keyed by origin so each source's failures stay in order. */
export function encodeBadEvent(bad: BadEvent): KafkaRecord {
  return { key: Buffer.from(bad.origin, 'utf8'), value: Buffer.from(JSON.stringify(bad), 'utf8') };
}

/** Decodes and validates one record value; never throws. */
export function decodeEvent(value: Uint8Array): Validation {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8'));
  } catch (err) {
    return { ok: false, reason: `record value is not JSON: ${(err as Error).message}` };
  }
  return validateEvent(parsed);
}

/**
 * Partition for a key, the same murmur2 hash Kafka's default partitioner (and kafkajs) uses,
 * so the local log and the real topic place a session on the same partition.
 */
export function partitionFor(key: Buffer, partitions: number): number {
  return (murmur2(key) & 0x7fffffff) % partitions;
}

function murmur2(data: Buffer): number {
  const m = 0x5bd1e995;
  const r = 24;
  const length = data.length;
  let h = 0x9747b28c ^ length;
  const length4 = length >> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = (data[i4] & 0xff) + ((data[i4 + 1] & 0xff) << 8) + ((data[i4 + 2] & 0xff) << 16) + ((data[i4 + 3] & 0xff) << 24);
    k = Math.imul(k, m);
    k ^= k >>> r;
    k = Math.imul(k, m);
    h = Math.imul(h, m);
    h ^= k;
  }
  const rest = length & 3;
  const at = length & ~3;
  if (rest === 3) h ^= (data[at + 2] & 0xff) << 16;
  if (rest >= 2) h ^= (data[at + 1] & 0xff) << 8;
  if (rest >= 1) {
    h ^= data[at] & 0xff;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h;
}

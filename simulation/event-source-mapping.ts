/**
 * Kafka and Lambda's MSK event source mapping, as the aggregator sees them: a topic whose
 * partitions are filled as the collector's producer fills them (key = session id), and one
 * poller per partition that invokes the handler with one batch at a time in the MSK event shape.
 * A batch closes when it holds `batchSize` records, when `windowMs` has passed since its first
 * record was there, or when the next record would pass the 6 MB invocation payload; a failed
 * invocation is retried with the same records until it succeeds, as the mapping does, and
 * `redeliverRate` of the successful ones are delivered again.
 */
import type { MSKEvent, MSKRecord } from 'aws-lambda';
import { encodeEvent, partitionFor, type ClickEvent } from '../contract';
import type { MskHandler } from './bundle';

/** Batching settings of the mapping (the stack's `processing.batchSize` and window). */
export interface MappingSettings {
  batchSize: number;
  windowMs: number;
  /**
   * Share of invocations that did their work but are redelivered anyway, as when a function
   * times out after its last write: the at-least-once delivery the handler must absorb. Default 0.
   */
  redeliverRate?: number;
  /** Random source for redeliveries. */
  random?: () => number;
}

/** Lambda's synchronous invocation payload limit. */
const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;
/** The MSK record's fields besides key and value, as JSON, about this long. */
const RECORD_OVERHEAD_BYTES = 160;

/** A topic in memory: records per partition, with the time each was written. */
export class TopicLog {
  readonly records: MSKRecord[][];
  readonly writtenAt: number[][];
  private ended = false;
  /** Set to stop the pollers after their current batch, delivered or not (a bench's time limit). */
  halted = false;
  /** When the producer ended the log (ms since the epoch), 0 while it writes. */
  endedAt = 0;
  private waiting: (() => void)[] = [];

  constructor(
    readonly topic: string,
    partitions: number,
  ) {
    this.records = Array.from({ length: partitions }, () => []);
    this.writtenAt = Array.from({ length: partitions }, () => []);
  }

  /** Appends events as the producer would: partition by session key, now as the write time. */
  append(events: readonly ClickEvent[], now = Date.now()): void {
    for (const e of events) {
      const { key, value } = encodeEvent(e);
      const p = partitionFor(key, this.records.length);
      const list = this.records[p];
      list.push({
        topic: this.topic,
        partition: p,
        offset: list.length,
        timestamp: now,
        timestampType: 'CREATE_TIME',
        key: key.toString('base64'),
        value: value.toString('base64'),
        headers: [],
      });
      this.writtenAt[p].push(now);
    }
    this.wake();
  }

  /** No more records: pollers stop once they have delivered everything. */
  end(): void {
    this.ended = true;
    this.endedAt = Date.now();
    this.wake();
  }

  get isEnded(): boolean {
    return this.ended;
  }

  get size(): number {
    return this.records.reduce((n, r) => n + r.length, 0);
  }

  /** Resolves at the next append or end, or after `ms`. */
  changed(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.waiting.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private wake(): void {
    this.waiting.splice(0).forEach((w) => w());
  }
}

/** What the pollers did. */
export interface MappingStats {
  invocations: number;
  /** Invocations that threw and were retried with the same records. */
  failedInvocations: number;
  /** Successful invocations delivered again (see {@link MappingSettings.redeliverRate}). */
  redelivered: number;
  /** Each distinct error a failed invocation threw, with how often. */
  errors: Record<string, number>;
  /** Records per successful invocation. */
  batchSizes: number[];
  /** Duration of each successful invocation, ms. */
  invocationMs: number[];
}

/** How many records from `from` the next batch takes, or 0 while it should keep gathering. */
function batchEnd(log: TopicLog, p: number, from: number, settings: MappingSettings, firstSeenAt: number): number {
  const list = log.records[p];
  let bytes = 0;
  let n = 0;
  while (from + n < list.length && n < settings.batchSize) {
    const r = list[from + n];
    bytes += r.value.length + r.key.length + RECORD_OVERHEAD_BYTES;
    if (bytes > MAX_PAYLOAD_BYTES && n > 0) return n;
    n++;
  }
  const full = n >= settings.batchSize || from + n < list.length;
  return full || log.isEnded || Date.now() - firstSeenAt >= settings.windowMs ? n : 0;
}

async function pollPartition(log: TopicLog, p: number, handler: MskHandler, settings: MappingSettings, stats: MappingStats): Promise<void> {
  let offset = 0;
  for (;;) {
    if (log.halted) return;
    while (offset >= log.records[p].length) {
      if (log.isEnded) return;
      await log.changed(1000);
    }
    const firstSeenAt = Date.now();
    let n: number;
    while ((n = batchEnd(log, p, offset, settings, firstSeenAt)) === 0)
      await log.changed(Math.max(1, settings.windowMs - (Date.now() - firstSeenAt)));
    const records = log.records[p].slice(offset, offset + n);
    const event: MSKEvent = {
      eventSource: 'aws:kafka',
      eventSourceArn: 'arn:aws:kafka:us-east-1:111122223333:cluster/clickstream/simulated',
      bootstrapServers: 'b-1.simulated:9098',
      records: { [`${log.topic}-${p}`]: records },
    };
    for (let attempt = 1; ; attempt++) {
      const t0 = Date.now();
      stats.invocations++;
      try {
        await handler(event);
        if ((settings.random ?? Math.random)() < (settings.redeliverRate ?? 0)) {
          stats.redelivered++;
          continue;
        }
        stats.invocationMs.push(Date.now() - t0);
        stats.batchSizes.push(n);
        break;
      } catch (err) {
        stats.failedInvocations++;
        const reason = String((err as Error).message ?? err).slice(0, 300);
        stats.errors[reason] = (stats.errors[reason] ?? 0) + 1;
        await new Promise((r) => setTimeout(r, Math.min(10_000, 100 * 2 ** attempt)));
      }
    }
    offset += n;
  }
}

/** Runs one poller per partition, concurrently, until the log has ended and every record was delivered. */
export async function runMapping(log: TopicLog, handler: MskHandler, settings: MappingSettings): Promise<MappingStats> {
  const stats: MappingStats = { invocations: 0, failedInvocations: 0, redelivered: 0, errors: {}, batchSizes: [], invocationMs: [] };
  await Promise.all(log.records.map((_, p) => pollPartition(log, p, handler, settings, stats)));
  return stats;
}

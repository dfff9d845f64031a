/**
 * Log retention in local mode: whole segments that every consumer of their topic has committed
 * and whose newest record is older than the retention are deleted, once a minute.
 */
import type { DurableLog } from '../durable-log/log';
import type { LogConsumer } from './consumer';

/** Default retention of consumed log segments, in hours (a week, as Kafka's default). */
export const DEFAULT_RETENTION_HOURS = 168;

/** Reads `LOCAL_LOG_RETENTION_HOURS`; throws naming the variable when it is not a positive integer. */
export function retentionHours(env: Record<string, string | undefined>): number {
  const raw = env.LOCAL_LOG_RETENTION_HOURS;
  if (raw === undefined || raw === '') return DEFAULT_RETENTION_HOURS;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 87600) throw new Error(`LOCAL_LOG_RETENTION_HOURS=${raw}: must be an integer from 1 to 87600`);
  return n;
}

/** Trims every partition once; returns the number of segments deleted. */
export async function trimConsumed(log: DurableLog, consumers: readonly LogConsumer[], hours: number, now = Date.now()): Promise<number> {
  const topics = new Set(consumers.flatMap((c) => c.processor.topics));
  let removed = 0;
  for (const topic of topics) {
    const readers = consumers.filter((c) => c.processor.topics.includes(topic));
    for (let p = 0; p < log.partitionCount(topic); p++) {
      const committed = Math.min(...readers.map((c) => c.committed(topic, p)));
      removed += await log.trim(topic, p, committed, now - hours * 3600_000);
    }
  }
  return removed;
}

/** Trims once a minute until the returned function is called. */
export function keepTrimming(log: DurableLog, consumers: readonly LogConsumer[], hours: number, onError: (err: Error) => void): () => void {
  const timer = setInterval(() => void trimConsumed(log, consumers, hours).catch(onError), 60_000);
  timer.unref();
  return () => clearInterval(timer);
}

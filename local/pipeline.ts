/**
 * A data folder's river without its collector: the durable log, the warehouse worker thread and
 * the consumers (aggregator and archiver), running. Local mode puts the collector in front of
 * it; `clickstream import` appends to the log while the processors work on the other core.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeEvent, REPLAY_TOPIC, TOPICS, type ClickEvent, type Topics } from '../contract';
import { DurableLog } from '../durable-log/log';
import { folderStore } from '../lambda/shared/object-store';
import { LogConsumer } from './consumer';
import { threadedProcessors } from './processors';
import { WarehouseWorker } from './warehouse-worker';

/** The log partitions, as on the MSK topic. */
const LOCAL_PARTITIONS = 3;

/** Records per batch a consumer hands its processor: twice that made the import 3 % faster and took 90 MB more. */
const LOCAL_BATCH_RECORDS = 5000;

/** Opens the data folder's log. */
export async function openLog(dataDir: string): Promise<DurableLog> {
  await mkdir(dataDir, { recursive: true });
  return DurableLog.open(join(dataDir, 'log'), { [TOPICS.events]: LOCAL_PARTITIONS, [TOPICS.bad]: 1, [REPLAY_TOPIC]: 1 });
}

/** Appends contract events to the events topic, in chunks, each durable before the next. */
export async function appendEvents(log: DurableLog, topics: Topics, events: readonly ClickEvent[], chunk = 5000): Promise<void> {
  for (let i = 0; i < events.length; i += chunk) await log.append(topics.events, events.slice(i, i + chunk).map(encodeEvent));
}

/** A running log, warehouse and consumers. */
export interface Pipeline {
  log: DurableLog;
  /** The warehouse, in its worker thread. */
  db: WarehouseWorker;
  consumers: LogConsumer[];
  topics: Topics;
  /** Stops the consumers after their batches in progress, then closes the log and the warehouse. */
  stop(): Promise<void>;
}

/** Opens a data folder and starts its consumers; `onError` hears each failed batch (it is retried with backoff). */
export async function startPipeline(dataDir: string, onError: (processor: string, err: Error) => void): Promise<Pipeline> {
  const topics = TOPICS;
  const log = await openLog(dataDir);
  const db = await WarehouseWorker.open(dataDir);
  const consumers = threadedProcessors(db, topics, folderStore(join(dataDir, 'archive'))).map(
    (p) => new LogConsumer(log, p, join(dataDir, 'offsets', `${p.name}.json`), LOCAL_BATCH_RECORDS, (err) => onError(p.name, err)),
  );
  for (const c of consumers) await c.start();
  return {
    log,
    db,
    consumers,
    topics,
    async stop() {
      for (const c of consumers) await c.stop();
      await log.close();
      await db.close();
    },
  };
}

/**
 * Resolves once every consumer is at most `lag` records behind the log; rejects with a
 * consumer's error instead of retrying (an import stops there and resumes when run again).
 */
export async function keptUp(consumers: readonly LogConsumer[], lag = 0): Promise<void> {
  for (;;) {
    const failed = consumers.find((c) => c.lastError);
    if (failed) throw new Error(`the ${failed.processor.name} failed: ${failed.lastError!.message}`, { cause: failed.lastError });
    if (consumers.every((c) => c.lag() <= lag)) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

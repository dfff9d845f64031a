/**
 * The stream processors as local mode runs them: the aggregator's and the archiver's Lambda
 * cores with local stores. Local mode has no OpenSearch: the aggregator stores each batch's raw
 * events in the warehouse's `events` table in the same transaction as its aggregates, exactly
 * once, as it does on AWS, and that table is local mode's search store. After each batch the
 * tables it grew are analysed when due (maintenance.ts).
 */
import { applyBatch } from '../lambda/aggregator/apply';
import { archiveMskEvent } from '../lambda/archiver/archive';
import type { ObjectStore } from '../lambda/shared/object-store';
import { decodeMskEvent } from '../lambda/shared/msk-event';
import { keepRefused } from '../lambda/shared/refused';
import type { StatementExecutor } from '../warehouse/executor';
import { REPLAY_TOPIC, type Topics } from '../contract';
import type { Processor } from './consumer';
import type { WarehouseWorker } from './warehouse-worker';
import { maintainTables } from './maintenance';

/**
 * Aggregates the events and replay topics into the local warehouse and stores their raw events,
 * exactly once per offset and event id; events it cannot store go under `bad/aggregator/` in `archive`.
 */
export function aggregator(db: StatementExecutor, topics: Topics, archive: ObjectStore): Processor {
  return {
    name: 'aggregator',
    topics: aggregatorTopics(topics),
    handle: async (event) => {
      const batches = decodeMskEvent(event, 'aggregator');
      for (const topic of new Set(batches.map((b) => b.topic)))
        await applyBatch(
          db,
          topic,
          batches.filter((b) => b.topic === topic),
          { rawEvents: true, setAside: (r) => keepRefused(archive, 'aggregator', 'processing_failure', [r]) },
        );
      await maintainTables(db);
    },
  };
}

/**
 * How long the archiver gathers records before writing a batch that is not full: the AWS
 * archiver's default window (`processing.batchWindowSeconds`). Handed whatever had arrived, it
 * wrote about 100 files a second under load (a file per partition and hour of each batch).
 */
const ARCHIVE_WINDOW_MS = 1000;

/** Archives both topics to a folder in the S3 key layout, a file per partition and hour of each batch. */
export function archiver(store: ObjectStore, topics: Topics): Processor {
  return {
    name: 'archiver',
    topics: [topics.events, topics.bad],
    window: ARCHIVE_WINDOW_MS,
    handle: async (event) => {
      for (const o of archiveMskEvent(event, topics.bad)) await store.put(o);
    },
  };
}

/** Local mode's processors over one warehouse and one archive folder, in this thread. */
export function localProcessors(db: StatementExecutor, topics: Topics, archive: ObjectStore): Processor[] {
  return [aggregator(db, topics, archive), archiver(archive, topics)];
}

/**
 * The processors as a data folder's pipeline runs them: the aggregator's core in the warehouse
 * worker thread, where PGlite is, and the archiver (compression and files) on this thread, so
 * the two cores share the work.
 */
export function threadedProcessors(worker: WarehouseWorker, topics: Topics, archive: ObjectStore): Processor[] {
  return [
    { name: 'aggregator', topics: aggregatorTopics(topics), handle: (event) => worker.handle('aggregator', event), queues: true },
    archiver(archive, topics),
  ];
}

/** The topics the aggregator reads. */
function aggregatorTopics(topics: Topics): string[] {
  return [topics.events, REPLAY_TOPIC];
}

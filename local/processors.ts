/**
 * The three stream processors as local mode runs them. The aggregator and the archiver run the
 * Lambdas' cores with local stores; the indexer's stand-in writes raw events into the local
 * warehouse instead of OpenSearch (search-store.ts), keeping the same first-copy rule. After
 * each batch the tables it grew are analysed when due (maintenance.ts).
 */
import { applyBatch } from '../lambda/aggregator/apply';
import { archiveMskEvent } from '../lambda/archiver/archive';
import type { ObjectStore } from '../lambda/shared/object-store';
import { decodeMskEvent } from '../lambda/shared/msk-event';
import { eventsAndPlaces, keepRefused } from '../lambda/shared/refused';
import type { StatementExecutor } from '../warehouse/executor';
import { REPLAY_TOPIC, type Topics } from '../contract';
import type { Processor } from './consumer';
import type { WarehouseProcessor, WarehouseWorker } from './warehouse-worker';
import { storeRawEvents, type BulkExecutor } from '../warehouse/raw-events';
import { maintainTables } from './maintenance';

/**
 * Aggregates the events and replay topics into the local warehouse, exactly once per offset;
 * events it cannot store go under `bad/aggregator/` in `archive`.
 */
export function aggregator(db: StatementExecutor, topics: Topics, archive: ObjectStore): Processor {
  return {
    name: 'aggregator',
    topics: processorTopics(topics).aggregator,
    handle: async (event) => {
      const batches = decodeMskEvent(event, 'aggregator');
      for (const topic of new Set(batches.map((b) => b.topic)))
        await applyBatch(
          db,
          topic,
          batches.filter((b) => b.topic === topic),
          { setAside: (r) => keepRefused(archive, 'aggregator', 'processing_failure', [r]) },
        );
      await maintainTables(db);
    },
  };
}

/** Stores raw events (events and replay topics) in the searchable `events` table; events it cannot store go under `bad/indexer/` in `archive`. */
export function indexer(db: BulkExecutor, topics: Topics, archive: ObjectStore): Processor {
  return {
    name: 'indexer',
    topics: processorTopics(topics).indexer,
    handle: async (event) => {
      const { events, placeOf } = eventsAndPlaces(decodeMskEvent(event, 'indexer'));
      const refused = await storeRawEvents(db, events);
      await keepRefused(
        archive,
        'indexer',
        'processing_failure',
        refused.map((f) => ({ ...placeOf(f.event.eventId), ...f })),
      );
      await maintainTables(db);
    },
  };
}

/** Archives both topics to a folder in the S3 key layout. */
export function archiver(store: ObjectStore, topics: Topics): Processor {
  return {
    name: 'archiver',
    topics: processorTopics(topics).archiver,
    handle: async (event) => {
      for (const o of archiveMskEvent(event, topics.bad)) await store.put(o);
    },
  };
}

/** The three processors of local mode over one warehouse and one archive folder. */
export function localProcessors(db: BulkExecutor, topics: Topics, archive: ObjectStore): Processor[] {
  return [aggregator(db, topics, archive), indexer(db, topics, archive), archiver(archive, topics)];
}

/**
 * The processors as a data folder's pipeline runs them: the aggregator's and the indexer's cores
 * in the warehouse worker thread, where PGlite is, and the archiver (compression and files) on
 * this thread, so the two cores share the work.
 */
export function threadedProcessors(worker: WarehouseWorker, topics: Topics, archive: ObjectStore): Processor[] {
  const read = processorTopics(topics);
  const inWorker = (name: WarehouseProcessor): Processor => ({ name, topics: read[name], handle: (event) => worker.handle(name, event) });
  return [inWorker('aggregator'), inWorker('indexer'), archiver(archive, topics)];
}

/** The topics each processor reads. */
function processorTopics(topics: Topics): Record<WarehouseProcessor | 'archiver', string[]> {
  return { aggregator: [topics.events, REPLAY_TOPIC], indexer: [topics.events, REPLAY_TOPIC], archiver: [topics.events, topics.bad] };
}

/** The three stream processors as local mode runs them: the same cores the Lambdas use, with local stores. */
import { applyBatch } from '../lambda/aggregator/apply';
import { archiveMskEvent } from '../lambda/archiver/archive';
import type { ObjectStore } from '../lambda/archiver/store';
import { decodeMskEvent } from '../lambda/shared/msk-event';
import type { StatementExecutor } from '../lambda/warehouse/executor';
import type { Processor } from './consumer';
import { storeRawEvents } from './search-store';

/** Topic names of the local log. */
export interface Topics {
  events: string;
  bad: string;
}

/** Aggregates into the local warehouse, exactly once per offset. */
export function aggregator(db: StatementExecutor, topics: Topics): Processor {
  return {
    name: 'aggregator',
    topics: [topics.events],
    handle: async (event) => {
      await applyBatch(db, topics.events, decodeMskEvent(event, 'aggregator'));
    },
  };
}

/** Stores raw events in the searchable `events` table. */
export function indexer(db: StatementExecutor, topics: Topics): Processor {
  return {
    name: 'indexer',
    topics: [topics.events],
    handle: async (event) => {
      const events = decodeMskEvent(event, 'indexer').flatMap((b) => b.records.flatMap((r) => ('event' in r ? [r.event] : [])));
      await storeRawEvents(db, events);
    },
  };
}

/** Archives both topics to a folder in the S3 key layout. */
export function archiver(store: ObjectStore, topics: Topics): Processor {
  return {
    name: 'archiver',
    topics: [topics.events, topics.bad],
    handle: async (event) => {
      for (const o of archiveMskEvent(event, topics.bad)) await store.put(o);
    },
  };
}

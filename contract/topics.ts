/** The Kafka topics of the stack, named once: the collector, the processors, local mode and the infra use these. */

/** The topics every part passes around: accepted events and refused input. */
export interface Topics {
  /** Accepted contract events, keyed by session id. */
  events: string;
  /** Refused input as bad events, keyed by origin. */
  bad: string;
}

/** Prefix of the daily raw-event search indices (`<prefix>-YYYY.MM.DD`). */
export const INDEX_PREFIX = 'clickstream';

/** The default topic names (the collector's `KAFKA_TOPIC` and `KAFKA_BAD_TOPIC` override them). */
export const TOPICS: Topics = { events: 'clickstream', bad: 'clickstream-bad' };

/** Where the event source mappings send batches that still fail after their retries. */
export const FAILED_TOPIC = 'clickstream-failed';

/**
 * Events re-published from the archive by `clickstream replay`: read by the aggregator and the
 * indexer, never by the archiver, so a replay never writes a second copy into the archive.
 */
export const REPLAY_TOPIC = 'clickstream-replay';

/** Where in the archive bucket processors stage rows for the warehouse's COPY (expired after a day). */
export const STAGING_PREFIX = 'staging/';

/** The aggregator's staged rows (lambda/aggregator/load.ts). */
export const AGGREGATOR_STAGING_PREFIX = `${STAGING_PREFIX}aggregator/`;

/**
 * Aggregator Lambda: MSK batch → exactly-once aggregates in Redshift through the Data API, and
 * beside them the batch's raw events (for funnels, paths, retention). Thin: decode, apply (pure
 * planning + one transaction per slice) while storing raw events, keep refused events, report.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { S3Client } from '@aws-sdk/client-s3';
import type { MSKEvent } from 'aws-lambda';
import { decodeMskEvent, type PartitionBatch } from '../shared/msk-event';
import { requireEnv } from '../shared/env';
import { s3Store } from '../shared/object-store';
import { eventsAndPlaces, keepRefused } from '../shared/refused';
import { DataApiExecutor } from '../../warehouse/data-api';
import { storeRawEvents } from '../../warehouse/raw-events';
import { applyBatch } from './apply';

const logger = new Logger({ serviceName: 'clickstream-aggregator' });
const metrics = new Metrics({ namespace: 'Clickstream', serviceName: 'aggregator' });
const executor = new DataApiExecutor(new RedshiftDataClient({}), {
  workgroupName: requireEnv('REDSHIFT_WORKGROUP'),
  database: requireEnv('REDSHIFT_DATABASE'),
  ...(process.env.REDSHIFT_SECRET_ARN ? { secretArn: process.env.REDSHIFT_SECRET_ARN } : {}),
});

const badStore = s3Store(new S3Client({}), requireEnv('ARCHIVE_BUCKET'));

export const handler = async (event: MSKEvent): Promise<void> => {
  const batches = decodeMskEvent(event, 'aggregator');
  const { events, placeOf } = eventsAndPlaces(batches);
  const bad = batches.flatMap((b) => b.records).filter((r) => 'bad' in r).length;
  // The aggregates and the raw events go to the warehouse side by side: they touch different
  // tables, and each is idempotent on its own (watermarks; event ids), so a retried batch stores
  // nothing twice whichever of them failed. Both are settled before the batch counts as done.
  const [aggregates, raw] = await Promise.allSettled([applyTopics(batches, bad), storeRawEvents(executor, events)]);
  if (aggregates.status === 'rejected') throw aggregates.reason;
  if (raw.status === 'rejected') throw raw.reason;
  // An event the warehouse refuses as a raw row is kept under bad/aggregator/.
  await keepRefused(
    badStore,
    'aggregator',
    'processing_failure',
    raw.value.map((f) => ({ ...placeOf(f.event.eventId), ...f })),
  );
  metrics.addMetric('RawEventsRefused', MetricUnit.Count, raw.value.length);
  metrics.addMetric('BadRecords', MetricUnit.Count, bad);
  metrics.publishStoredMetrics();
};

/** Applies each topic's partitions (events, replay) to the aggregates, exactly once per offset. */
async function applyTopics(batches: PartitionBatch[], bad: number): Promise<void> {
  for (const topic of new Set(batches.map((b) => b.topic))) {
    const result = await applyBatch(
      executor,
      topic,
      batches.filter((b) => b.topic === topic),
      (r) => keepRefused(badStore, 'aggregator', 'processing_failure', [r]),
    );
    logger.info('batch applied', { topic, ...result, poisoned: result.poisoned.length, bad });
    metrics.addMetric('EventsRefused', MetricUnit.Count, result.poisoned.length);
    metrics.addMetric('EventsAggregated', MetricUnit.Count, result.applied);
    metrics.addMetric('RecordsReplayed', MetricUnit.Count, result.replayed);
    metrics.addMetric('DuplicateEvents', MetricUnit.Count, result.duplicates);
    metrics.addMetric('WarehouseTransactions', MetricUnit.Count, result.transactions);
  }
}

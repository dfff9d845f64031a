/**
 * Indexer Lambda: MSK batch → raw events in OpenSearch (SigV4). Items OpenSearch refuses for
 * good are written to the archive bucket under `bad/indexer/` with the reason.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { S3Client } from '@aws-sdk/client-s3';
import type { MSKEvent } from 'aws-lambda';
import { badEvent } from '../../contract';
import { archiveObjects } from '../archiver/archive';
import { s3Store } from '../archiver/store';
import { requireEnv } from '../shared/env';
import { decodeMskEvent, type PartitionBatch } from '../shared/msk-event';
import { indexEvents } from './index-events';
import { openSearchClient, openSearchSender } from './opensearch';

const logger = new Logger({ serviceName: 'clickstream-indexer' });
const metrics = new Metrics({ namespace: 'Clickstream', serviceName: 'indexer' });
const sender = openSearchSender(openSearchClient(requireEnv('OPENSEARCH_ENDPOINT'), requireEnv('AWS_REGION')));
const badStore = s3Store(new S3Client({}), requireEnv('ARCHIVE_BUCKET'));
const prefix = process.env.INDEX_PREFIX ?? 'clickstream';

export const handler = async (event: MSKEvent): Promise<void> => {
  const batches = decodeMskEvent(event, 'indexer');
  const located = batches.flatMap((b) => b.records.flatMap((r) => ('event' in r ? [{ b, offset: r.offset, event: r.event }] : [])));
  const result = await indexEvents(sender, located.map((l) => l.event), { prefix });
  if (result.failed.length > 0) {
    const reasons = new Map(result.failed.map((f) => [f.event.eventId, f.reason]));
    const refused: PartitionBatch[] = batches.map((b) => ({
      ...b,
      records: located
        .filter((l) => l.b === b && reasons.has(l.event.eventId))
        .map((l) => ({ offset: l.offset, bad: badEvent('index_failure', reasons.get(l.event.eventId)!, 'indexer', JSON.stringify(l.event)) })),
    }));
    for (const object of archiveObjects(refused, 'bad/indexer')) await badStore.put(object);
    logger.warn('events refused by OpenSearch', { count: result.failed.length, first: result.failed[0].reason });
  }
  metrics.addMetric('EventsIndexed', MetricUnit.Count, result.indexed);
  metrics.addMetric('EventsRefused', MetricUnit.Count, result.failed.length);
  metrics.addMetric('BulkRequests', MetricUnit.Count, result.requests);
  metrics.publishStoredMetrics();
};

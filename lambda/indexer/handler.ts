/**
 * Indexer Lambda: MSK batch → raw events in OpenSearch (SigV4). Thin: decode, index (the core
 * keeps what OpenSearch refuses under `bad/indexer/`), report.
 */
import { INDEX_PREFIX } from '../../contract';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { S3Client } from '@aws-sdk/client-s3';
import type { MSKEvent } from 'aws-lambda';
import { s3Store } from '../shared/object-store';
import { requireEnv } from '../shared/env';
import { decodeMskEvent } from '../shared/msk-event';
import { indexBatch } from './index-events';
import { openSearchClient, openSearchSender } from './opensearch';

const logger = new Logger({ serviceName: 'clickstream-indexer' });
const metrics = new Metrics({ namespace: 'Clickstream', serviceName: 'indexer' });
const sender = openSearchSender(openSearchClient(requireEnv('OPENSEARCH_ENDPOINT'), requireEnv('AWS_REGION')));
const badStore = s3Store(new S3Client({}), requireEnv('ARCHIVE_BUCKET'));
const prefix = process.env.INDEX_PREFIX ?? INDEX_PREFIX;

export const handler = async (event: MSKEvent): Promise<void> => {
  const result = await indexBatch(sender, badStore, decodeMskEvent(event, 'indexer'), { prefix });
  if (result.failed.length > 0)
    logger.warn('events refused by OpenSearch', { count: result.failed.length, first: result.failed[0].reason });
  metrics.addMetric('EventsIndexed', MetricUnit.Count, result.indexed);
  metrics.addMetric('EventsRefused', MetricUnit.Count, result.failed.length);
  metrics.addMetric('BulkRequests', MetricUnit.Count, result.requests);
  metrics.publishStoredMetrics();
};

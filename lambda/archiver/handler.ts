/**
 * Archiver Lambda: MSK batch → gzip NDJSON objects in S3, for the clickstream topic and the
 * bad-events topic alike, keyed by offset range so retries overwrite.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { S3Client } from '@aws-sdk/client-s3';
import type { MSKEvent } from 'aws-lambda';
import { TOPICS } from '../../contract';
import { requireEnv } from '../shared/env';
import { archiveMskEvent } from './archive';
import { s3Store } from '../shared/object-store';

const logger = new Logger({ serviceName: 'clickstream-archiver' });
const metrics = new Metrics({ namespace: 'Clickstream', serviceName: 'archiver' });
const store = s3Store(new S3Client({}), requireEnv('ARCHIVE_BUCKET'));
const badTopic = process.env.BAD_TOPIC ?? TOPICS.bad;

export const handler = async (event: MSKEvent): Promise<void> => {
  const objects = archiveMskEvent(event, badTopic);
  await Promise.all(objects.map((o) => store.put(o)));
  const records = objects.reduce((n, o) => n + o.records, 0);
  logger.info('batch archived', { objects: objects.length, records });
  metrics.addMetric('RecordsArchived', MetricUnit.Count, records);
  metrics.publishStoredMetrics();
};

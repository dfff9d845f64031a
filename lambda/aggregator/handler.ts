/**
 * Aggregator Lambda: MSK batch → exactly-once aggregates and raw events (for funnels, paths,
 * retention) in Redshift. The rows go to S3 and each transaction COPYs them (load.ts), through
 * the Data API. Thin: decode, apply (pure planning + one transaction per slice), keep refused
 * events, report.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { S3Client } from '@aws-sdk/client-s3';
import type { MSKEvent } from 'aws-lambda';
import { AGGREGATOR_STAGING_PREFIX } from '../../contract';
import { decodeMskEvent, type PartitionBatch } from '../shared/msk-event';
import { requireEnv } from '../shared/env';
import { s3Store } from '../shared/object-store';
import { keepRefused } from '../shared/refused';
import { DataApiExecutor } from '../../warehouse/data-api';
import { s3CopyStage } from '../../warehouse/s3-copy-stage';
import { applyBatch } from './apply';

const logger = new Logger({ serviceName: 'clickstream-aggregator' });
const metrics = new Metrics({ namespace: 'Clickstream', serviceName: 'aggregator' });
const executor = new DataApiExecutor(new RedshiftDataClient({}), {
  workgroupName: requireEnv('REDSHIFT_WORKGROUP'),
  database: requireEnv('REDSHIFT_DATABASE'),
  ...(process.env.REDSHIFT_SECRET_ARN ? { secretArn: process.env.REDSHIFT_SECRET_ARN } : {}),
});

const s3 = new S3Client({});
const bucket = requireEnv('ARCHIVE_BUCKET');
const badStore = s3Store(s3, bucket);
// Staged rows matter only until their COPY has run: a lifecycle rule expires the prefix.
const copyStage = s3CopyStage(s3, { bucket, prefix: AGGREGATOR_STAGING_PREFIX, roleArn: requireEnv('REDSHIFT_COPY_ROLE_ARN') });

export const handler = async (event: MSKEvent): Promise<void> => {
  const batches = decodeMskEvent(event, 'aggregator');
  const bad = batches.flatMap((b) => b.records).filter((r) => 'bad' in r).length;
  await applyTopics(batches, bad);
  metrics.addMetric('BadRecords', MetricUnit.Count, bad);
  metrics.publishStoredMetrics();
};

/** Applies each topic's partitions (events, replay) to the aggregates and raw events, exactly once per offset. */
async function applyTopics(batches: PartitionBatch[], bad: number): Promise<void> {
  for (const topic of new Set(batches.map((b) => b.topic))) {
    const result = await applyBatch(
      executor,
      topic,
      batches.filter((b) => b.topic === topic),
      {
        setAside: (r) => keepRefused(badStore, 'aggregator', 'processing_failure', [r]),
        copyStage,
        rawEvents: true,
      },
    );
    logger.info('batch applied', { topic, ...result, poisoned: result.poisoned.length, bad });
    metrics.addMetric('EventsRefused', MetricUnit.Count, result.poisoned.length);
    metrics.addMetric('EventsAggregated', MetricUnit.Count, result.applied);
    metrics.addMetric('RecordsReplayed', MetricUnit.Count, result.replayed);
    metrics.addMetric('DuplicateEvents', MetricUnit.Count, result.duplicates);
    metrics.addMetric('WarehouseTransactions', MetricUnit.Count, result.transactions);
  }
}

/**
 * Replayer Lambda, invoked by `clickstream replay --stack`: it runs in the VPC because MSK is
 * reachable only there. Two requests:
 * - `archive`: archived events received in a time range go to the replay topic (read by the
 *   aggregator and the indexer, not the archiver). Returns where to resume when time ran out.
 * - `failed`: records of the failure topic go back to the events topic, through all three
 *   processors, which keep the first copy of each event id; what is unreadable goes to the
 *   bad-events topic. Its consumer group remembers how far it got.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { S3Client } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { Kafka } from 'kafkajs';
import { KafkaClient } from '@aws-sdk/client-kafka';
import { discoverBrokers, kafkaClientConfig, openKafkaSink } from '../../collector/sinks/kafka';
import { encodeBadEvent, encodeEvent, FAILED_TOPIC, REPLAY_TOPIC, TOPICS } from '../../contract';
import { drainTopic, REPLAYER_GROUP } from '../../replay/failed-topic';
import { readFailedRecord } from '../../replay/failed';
import { s3Source } from '../../replay/object-sources';
import { replayArchive, type ReplayProgress } from '../../replay/replay';
import type { KafkaSinkConfig } from '../../collector/config';
import { requireEnv } from '../shared/env';

/** What `clickstream replay` asks for. */
export type ReplayRequest = { source: 'archive'; since: string; until: string; resumeAfter?: string } | { source: 'failed' };

/** What one invocation did; `done: false` means invoke again (with `resumeAfter` for the archive). */
export type ReplayResponse = (ReplayProgress & { done: boolean }) | { records: number; events: number; bad: number; done: boolean };

const logger = new Logger({ serviceName: 'clickstream-replayer' });
const source = s3Source(new S3Client({}), requireEnv('ARCHIVE_BUCKET'));
const sinkConfig: KafkaSinkConfig = {
  type: 'kafka',
  brokers: [],
  clusterArn: requireEnv('MSK_CLUSTER_ARN'),
  region: requireEnv('AWS_REGION'),
  iam: true,
  lingerMs: 0,
};
/** Time kept back for the last object and the reply. */
const RESERVE_MS = 60_000;

export const handler = async (request: ReplayRequest, context: Context): Promise<ReplayResponse> => {
  const keepGoing = () => context.getRemainingTimeInMillis() > RESERVE_MS;
  const sink = await openKafkaSink(sinkConfig);
  try {
    if (request.source === 'archive') {
      const progress = await replayArchive(
        source,
        (events) => sink.write(REPLAY_TOPIC, events.map(encodeEvent)),
        { since: new Date(request.since), until: new Date(request.until) },
        { resumeAfter: request.resumeAfter, keepGoing },
      );
      logger.info('archive replayed', { ...progress });
      return { ...progress, done: progress.resumeAfter === undefined };
    }
    const brokers = await discoverBrokers(sinkConfig.clusterArn, new KafkaClient({}));
    const kafka = new Kafka({ ...kafkaClientConfig(sinkConfig, brokers), clientId: 'clickstream-replayer' });
    let events = 0;
    let bad = 0;
    const drained = await drainTopic(
      kafka,
      FAILED_TOPIC,
      REPLAYER_GROUP,
      async (values, where) => {
        const read = values.map((v, i) => readFailedRecord(v, `${where}+${i}`));
        const good = read.flatMap((r) => r.events);
        const refused = read.flatMap((r) => r.bad);
        if (good.length > 0) await sink.write(TOPICS.events, good.map(encodeEvent));
        if (refused.length > 0) await sink.write(TOPICS.bad, refused.map(encodeBadEvent));
        events += good.length;
        bad += refused.length;
      },
      keepGoing,
    );
    logger.info('failure topic replayed', { ...drained, events, bad });
    return { records: drained.records, events, bad, done: drained.done };
  } finally {
    await sink.close();
  }
};

/**
 * The production sink: Amazon MSK through kafkajs, with IAM auth (OAUTHBEARER tokens from
 * aws-msk-iam-sasl-signer-js over TLS), an idempotent producer and acks from all in-sync replicas.
 */
import { GetBootstrapBrokersCommand, KafkaClient } from '@aws-sdk/client-kafka';
import { generateAuthToken } from 'aws-msk-iam-sasl-signer-js';
import { CompressionTypes, Kafka, logLevel, type KafkaConfig, type Producer } from 'kafkajs';
import type { KafkaSinkConfig } from '../config';
import { Batcher } from './batcher';
import type { Sink } from './sink';

/** Finds the IAM bootstrap brokers of an MSK cluster (CloudFormation gives only the ARN). */
export async function discoverBrokers(clusterArn: string, client: KafkaClient): Promise<string[]> {
  const out = await client.send(new GetBootstrapBrokersCommand({ ClusterArn: clusterArn }));
  const brokers = out.BootstrapBrokerStringSaslIam ?? out.BootstrapBrokerStringTls ?? '';
  if (!brokers) throw new Error(`MSK cluster ${clusterArn} reported no IAM or TLS bootstrap brokers`);
  return brokers.split(',');
}

/** The kafkajs client settings for a sink configuration. */
export function kafkaClientConfig(config: KafkaSinkConfig, brokers: string[]): KafkaConfig {
  const base: KafkaConfig = { clientId: 'clickstream-collector', brokers, logLevel: logLevel.WARN, retry: { retries: 5 } };
  if (!config.iam) return base;
  return {
    ...base,
    ssl: true,
    sasl: {
      mechanism: 'oauthbearer',
      oauthBearerProvider: async () => ({ value: (await generateAuthToken({ region: config.region })).token }),
    },
  };
}

/** Connects an idempotent producer and wraps it in a linger batcher. */
export async function openKafkaSink(config: KafkaSinkConfig): Promise<Sink> {
  const brokers =
    config.brokers.length > 0 ? config.brokers : await discoverBrokers(config.clusterArn, new KafkaClient({ region: config.region }));
  const producer: Producer = new Kafka(kafkaClientConfig(config, brokers)).producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
  });
  await producer.connect();
  const batcher = new Batcher(async (batch) => {
    await producer.sendBatch({
      acks: -1,
      compression: CompressionTypes.GZIP,
      topicMessages: [...batch].map(([topic, records]) => ({ topic, messages: records.map((r) => ({ key: r.key, value: r.value })) })),
    });
  }, config.lingerMs);
  return {
    write: (topic, records) => batcher.write(topic, records),
    close: async () => {
      await batcher.drain();
      await producer.disconnect();
    },
  };
}

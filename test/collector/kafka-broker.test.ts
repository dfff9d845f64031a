/**
 * The collector's Kafka path against a real broker: set KAFKA_TEST_BROKERS (host:port,…) and,
 * if the topic is not `clickstream-test`, KAFKA_TEST_TOPIC (it must exist: the producer never
 * creates topics). KAFKA_TEST_IAM=true signs with MSK IAM (AWS_REGION and credentials needed).
 * Without a broker the suite says it skipped: none runs in CI.
 */
import { Kafka } from 'kafkajs';
import type { KafkaSinkConfig } from '../../collector/config';
import { kafkaClientConfig, openKafkaSink } from '../../collector/sinks/kafka';
import { encodeEvent } from '../../contract';
import { drainTopic } from '../../replay/failed-topic';
import { sampleEvent } from '../support/examples';

const brokers = process.env.KAFKA_TEST_BROKERS?.split(',').filter(Boolean) ?? [];
const topic = process.env.KAFKA_TEST_TOPIC ?? 'clickstream-test';
if (brokers.length === 0) process.stderr.write('skipping the Kafka broker test: set KAFKA_TEST_BROKERS to run it against a real broker\n');

(brokers.length > 0 ? describe : describe.skip)('Kafka sink against a real broker', () => {
  const config: KafkaSinkConfig = {
    type: 'kafka',
    brokers,
    clusterArn: '',
    region: process.env.AWS_REGION ?? '',
    iam: process.env.KAFKA_TEST_IAM === 'true',
    lingerMs: 5,
  };

  it('acknowledges a write only once the broker has every record (idempotent producer, acks=all), keyed by session', async () => {
    const sink = await openKafkaSink(config);
    const events = Array.from({ length: 20 }, (_, i) => sampleEvent({ eventId: crypto.randomUUID(), sessionId: `s-${i % 4}` }));
    await Promise.all(events.map((e) => sink.write(topic, [encodeEvent(e)])));
    await sink.close();

    const consumer = new Kafka(kafkaClientConfig(config, brokers)).consumer({ groupId: `clickstream-test-${Date.now()}` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const wanted = new Set(events.map((e) => e.eventId));
    const seen = new Map<string, string>();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${seen.size} of ${wanted.size} events came back within 30 s`)), 30_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          const event = JSON.parse(message.value!.toString()) as { eventId: string; sessionId: string };
          if (wanted.has(event.eventId)) seen.set(event.eventId, message.key!.toString());
          if (seen.size === wanted.size) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    await consumer.disconnect();
    for (const e of events) expect(seen.get(e.eventId)).toBe(e.sessionId);
  }, 60_000);

  it('drains a topic once up to its end offsets, committing as it goes, so the next drain starts after it', async () => {
    const sink = await openKafkaSink(config);
    const events = Array.from({ length: 10 }, () => sampleEvent({ eventId: crypto.randomUUID() }));
    await sink.write(topic, events.map(encodeEvent));
    await sink.close();
    const kafka = new Kafka(kafkaClientConfig(config, brokers));
    const group = `clickstream-drain-test-${Date.now()}`;
    const read: string[] = [];
    const first = await drainTopic(
      kafka,
      topic,
      group,
      async (values) => void read.push(...values.map((v) => v.toString())),
      () => true,
    );
    expect(first.done).toBe(true);
    for (const e of events) expect(read.some((v) => v.includes(e.eventId))).toBe(true);
    const again = await drainTopic(
      kafka,
      topic,
      group,
      async () => undefined,
      () => true,
    );
    expect(again).toEqual({ records: 0, done: true });
  }, 120_000);
});

import { GetBootstrapBrokersCommand, KafkaClient } from '@aws-sdk/client-kafka';
import { mockClient } from 'aws-sdk-client-mock';
import { loadConfig, ConfigError, type KafkaSinkConfig } from '../../collector/config';
import { Batcher } from '../../collector/sinks/batcher';
import { discoverBrokers, kafkaClientConfig } from '../../collector/sinks/kafka';

const kafka = mockClient(KafkaClient);
const ARN = 'arn:aws:kafka:eu-west-1:123456789012:cluster/ClickstreamStreaming-kafka/5f4f8f36-2c4d-4a8f-9e0a-0c1c64d5e1e2-3';

describe('Kafka sink', () => {
  beforeEach(() => kafka.reset());

  it('discovers the IAM bootstrap brokers from the cluster ARN and splits them', async () => {
    kafka
      .on(GetBootstrapBrokersCommand, { ClusterArn: ARN })
      .resolves({ BootstrapBrokerStringSaslIam: 'b-1.c.kafka.eu-west-1.amazonaws.com:9098,b-2.c.kafka.eu-west-1.amazonaws.com:9098' });
    expect(await discoverBrokers(ARN, new KafkaClient({ region: 'eu-west-1' }))).toEqual([
      'b-1.c.kafka.eu-west-1.amazonaws.com:9098',
      'b-2.c.kafka.eu-west-1.amazonaws.com:9098',
    ]);
  });

  it('fails with the cluster named when it reports no brokers', async () => {
    kafka.on(GetBootstrapBrokersCommand).resolves({});
    await expect(discoverBrokers(ARN, new KafkaClient({ region: 'eu-west-1' }))).rejects.toThrow(
      `MSK cluster ${ARN} reported no IAM or TLS bootstrap brokers`,
    );
  });

  it('uses TLS and OAUTHBEARER tokens for MSK IAM, plain connections otherwise', () => {
    const config = loadConfig({ SINK: 'kafka', MSK_CLUSTER_ARN: ARN }).sink as KafkaSinkConfig;
    expect(config).toMatchObject({ region: 'eu-west-1', iam: true, lingerMs: 5 });
    const iam = kafkaClientConfig(config, ['b-1:9098']);
    expect(iam).toMatchObject({
      brokers: ['b-1:9098'],
      ssl: true,
      sasl: { mechanism: 'oauthbearer', oauthBearerProvider: expect.any(Function) },
    });
    const plain = kafkaClientConfig({ ...config, iam: false }, ['localhost:9092']);
    expect(plain.ssl).toBeUndefined();
    expect(plain.sasl).toBeUndefined();
  });

  it('validates the sink settings with the variable named', () => {
    expect(() => loadConfig({ SINK: 'kafka' })).toThrow(new ConfigError('SINK=kafka needs KAFKA_BROKERS or MSK_CLUSTER_ARN'));
    expect(() => loadConfig({ SINK: 'kafka', MSK_CLUSTER_ARN: 'arn:aws:s3:::bucket' })).toThrow(
      'MSK_CLUSTER_ARN=arn:aws:s3:::bucket: is not an MSK cluster ARN',
    );
    expect(() => loadConfig({ SINK: 'rabbit' })).toThrow('SINK=rabbit: must be local or kafka');
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow('PORT=eighty: must be an integer from 0 to 65535');
    expect(() => loadConfig({ ALLOWED_ORIGINS: 'https://shop.example.com/' })).toThrow(
      /ALLOWED_ORIGINS: "https:\/\/shop.example.com\/" is not an origin/,
    );
    expect(() => loadConfig({ ANONYMISE_IP: 'maybe' })).toThrow('ANONYMISE_IP=maybe: must be true or false');
  });
});

describe('linger batcher', () => {
  it('sends writes made within the linger window together and settles each with its send', async () => {
    const sent: string[][] = [];
    let fail = false;
    const batcher = new Batcher(async (batch) => {
      sent.push([...batch].flatMap(([topic, records]) => records.map((r) => `${topic}:${r.value.toString()}`)));
      if (fail) throw new Error('broker said no');
    }, 20);
    const rec = (v: string) => [{ key: Buffer.from('k'), value: Buffer.from(v) }];
    await Promise.all([batcher.write('a', rec('1')), batcher.write('b', rec('2')), batcher.write('a', rec('3'))]);
    expect(sent).toEqual([['a:1', 'a:3', 'b:2']]);
    fail = true;
    await expect(batcher.write('a', rec('4'))).rejects.toThrow('broker said no');
    await batcher.drain();
    expect(sent).toHaveLength(2);
  });
});

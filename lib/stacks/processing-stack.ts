import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { KafkaDlq, ManagedKafkaEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as lambdaBase from 'aws-cdk-lib/aws-lambda';
import type * as msk from 'aws-cdk-lib/aws-msk';
import type * as opensearch from 'aws-cdk-lib/aws-opensearchservice';
import type * as redshift from 'aws-cdk-lib/aws-redshiftserverless';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { join } from 'node:path';
import { PROCESSOR_V8_FLAGS } from '../../lambda/shared/node-options';
import { nodeFunction, type NodeFunctionOptions } from '../constructs/node-function';
import { groupArn, topicArn } from '../kafka-arns';
import { INDEX_PREFIX } from '../../contract/topics';
import { REPLAYER_GROUP } from '../../replay/failed-topic';

const ROOT = join(__dirname, '../..');

/** Props of {@link ProcessingStack}. */
export interface ProcessingStackProps extends StackProps {
  /** The VPC the indexer runs in (it reaches the VPC-only search domain). */
  vpc: ec2.IVpc;
  /** The MSK cluster the mappings read. */
  cluster: msk.CfnCluster;
  /** The events and bad-events topics read, the topic failed batches go to, and the replay topic. */
  topics: { events: msk.CfnTopic; bad: msk.CfnTopic; failed: msk.CfnTopic; replay: msk.CfnTopic };
  /** The brokers' security group: the replayer joins it to reach them (its rule admits its own members). */
  clusterSecurityGroup: ec2.ISecurityGroup;
  /** The Redshift Serverless workgroup the aggregator writes through the Data API. */
  workgroup: redshift.CfnWorkgroup;
  /** The role the warehouse assumes to COPY what the aggregator stages. */
  copyRole: iam.IRole;
  /** Database of the aggregate tables. */
  database: string;
  /** The search domain the indexer writes raw events to, the security group it accepts HTTPS from, and the indexer's role; no indexer without it. */
  search?: { domain: opensearch.IDomain; clientSecurityGroup: ec2.ISecurityGroup; role: iam.IRole };
  /** The archive: the archiver writes it, the aggregator and indexer keep refused events under bad/. */
  archiveBucket: s3.IBucket;
  /** Execution roles, created in the storage stack next to their grants. */
  roles: { aggregator: iam.IRole; archiver: iam.IRole; replayer: iam.IRole };
  /** Records per batch. */
  batchSize: number;
  /** Batching window of the indexer and the archiver (raw events searchable within it). */
  batchWindowSeconds: number;
  /** Batching window of the aggregator: how fresh the warehouse is, and how often Redshift wakes up and bills. */
  warehouseWindowSeconds: number;
  /** Partitions of the clickstream topic: the most pollers an ESM can use while keeping order. */
  partitions: number;
}

/** One event source mapping: the topic it reads and its consumer group (unique per mapping). */
export interface Mapping {
  topic: string;
  consumerGroup: string;
}

/** A stream processor: its function and its mappings. */
export interface Processor {
  fn: lambda.IFunction;
  mappings: Mapping[];
}

/**
 * The consumer group of a processor's mapping. Lambda requires a group id unique among Kafka
 * event sources: two mappings sharing one fail to create, or rebalance each other.
 */
export function consumerGroupOf(processor: string, topic: string, eventsTopic: string): string {
  return topic === eventsTopic ? `clickstream-${processor}` : `clickstream-${processor}-${topic}`;
}

/**
 * The three stream processors, each a Lambda function fed by an MSK event source mapping in
 * provisioned mode (needed for retries, bisecting and the on-failure destination), reading from
 * the start of the topic with its own consumer group. Batches that still fail go to the
 * `clickstream-failed` topic.
 */
export class ProcessingStack extends Stack {
  public readonly aggregator: Processor;
  /** The indexer, when there is a search domain. */
  public readonly indexer: Processor | undefined;
  public readonly archiver: Processor;
  /** Publishes archived events or failed batches again, invoked by `clickstream replay --stack`. */
  public readonly replayer: lambda.IFunction;

  constructor(scope: Construct, id: string, props: ProcessingStackProps) {
    super(scope, id, props);
    const { events, bad, replay } = props.topics;
    const archive = props.archiveBucket.bucketName;
    this.aggregator = this.processor(props, 'Aggregator', props.roles.aggregator, [events, replay], props.warehouseWindowSeconds, {
      environment: {
        REDSHIFT_WORKGROUP: props.workgroup.workgroupName,
        REDSHIFT_DATABASE: props.database,
        REDSHIFT_COPY_ROLE_ARN: props.copyRole.roleArn,
        ARCHIVE_BUCKET: archive,
      },
    });
    const search = props.search;
    this.indexer = search
      ? this.processor(props, 'Indexer', search.role, [events, replay], props.batchWindowSeconds, {
          vpc: props.vpc,
          securityGroups: [search.clientSecurityGroup],
          environment: { OPENSEARCH_ENDPOINT: search.domain.domainEndpoint, INDEX_PREFIX, ARCHIVE_BUCKET: archive },
        })
      : undefined;
    this.archiver = this.processor(props, 'Archiver', props.roles.archiver, [events, bad], props.batchWindowSeconds, {
      environment: { ARCHIVE_BUCKET: archive, BAD_TOPIC: bad.topicName },
    });
    this.replayer = this.replayerFunction(props);
  }

  /**
   * The replayer: in the VPC (MSK is reachable only there), reading the archive's events/ and the
   * failure topic, publishing to the replay, events and bad-events topics.
   */
  private replayerFunction(props: ProcessingStackProps): lambda.IFunction {
    const { events, bad, failed, replay } = props.topics;
    const role = props.roles.replayer;
    const fn = nodeFunction(this, 'Replayer', {
      entry: join(ROOT, 'lambda/replayer/handler.ts'),
      role,
      timeout: Duration.minutes(15),
      memorySize: 1024,
      vpc: props.vpc,
      securityGroups: [props.clusterSecurityGroup],
      environment: {
        ARCHIVE_BUCKET: props.archiveBucket.bucketName,
        MSK_CLUSTER_ARN: props.cluster.attrArn,
        POWERTOOLS_SERVICE_NAME: 'replayer',
      },
    });
    const clusterArn = props.cluster.attrArn;
    const statement = (actions: string[], resources: string[]) =>
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources }));
    statement(['kafka:GetBootstrapBrokers'], [clusterArn]);
    statement(['kafka-cluster:Connect', 'kafka-cluster:DescribeCluster', 'kafka-cluster:WriteDataIdempotently'], [clusterArn]);
    statement(
      ['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData'],
      [events, bad, replay].map((t) => topicArn(this, clusterArn, t.topicName)),
    );
    statement(['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'], [topicArn(this, clusterArn, failed.topicName)]);
    statement(['kafka-cluster:DescribeGroup', 'kafka-cluster:AlterGroup'], [groupArn(this, clusterArn, REPLAYER_GROUP)]);
    for (const topic of [events, bad, failed, replay]) fn.node.addDependency(topic);
    return fn;
  }

  /** One processor: `lambda/<name>/handler.ts` run as `role`, one mapping per topic, and its permissions. */
  private processor(
    props: ProcessingStackProps,
    id: string,
    role: iam.IRole,
    topics: msk.CfnTopic[],
    windowSeconds: number,
    extra: Pick<NodeFunctionOptions, 'vpc' | 'securityGroups' | 'environment'>,
  ): Processor {
    const name = id.toLowerCase();
    const fn = nodeFunction(this, id, {
      entry: join(ROOT, `lambda/${name}/handler.ts`),
      role,
      timeout: Duration.minutes(5),
      memorySize: 1024,
      nodeFlags: PROCESSOR_V8_FLAGS,
      ...extra,
      environment: { ...extra.environment, POWERTOOLS_SERVICE_NAME: name },
    });
    const mappings = topics.map((t): Mapping => ({
      topic: t.topicName,
      consumerGroup: consumerGroupOf(name, t.topicName, props.topics.events.topicName),
    }));
    for (const [i, topic] of topics.entries()) {
      const common = {
        clusterArn: props.cluster.attrArn,
        topic: topic.topicName,
        consumerGroupId: mappings[i].consumerGroup,
        startingPosition: lambdaBase.StartingPosition.TRIM_HORIZON,
        batchSize: props.batchSize,
        maxBatchingWindow: Duration.seconds(windowSeconds),
      };
      // The replay topic is idle but for backfills: an on-demand mapping costs nothing while idle
      // (no event poller units), and retries a failing batch until it succeeds (the processors set
      // refused events aside themselves, so only an outage fails a batch).
      if (topic === props.topics.replay) {
        fn.addEventSource(new ManagedKafkaEventSource(common));
        continue;
      }
      fn.addEventSource(
        new ManagedKafkaEventSource({
          ...common,
          // One poller per partition keeps order; one poller group lets the mappings share event poller units.
          provisionedPollerConfig: {
            minimumPollers: 1,
            maximumPollers: topic === props.topics.events ? props.partitions : 1,
            pollerGroupName: `${this.stackName}-pollers`,
          },
          retryAttempts: 10,
          bisectBatchOnError: true,
          // A Kafka topic on the same cluster needs no extra VPC endpoint (unlike SQS, SNS or S3 destinations).
          onFailure: new KafkaDlq(props.topics.failed.topicName),
        }),
      );
    }
    this.grantReader(role, props.cluster.attrArn, mappings, props.topics.failed.topicName);
    // The mapping must not start before its topics exist.
    for (const topic of [...topics, props.topics.failed]) fn.node.addDependency(topic);
    return { fn, mappings };
  }

  /**
   * Data-plane rights the CDK does not add for IAM auth: exact cluster, topic and group ARNs.
   * DescribeClusterDynamicConfiguration is listed by AWS for Lambda MSK triggers with IAM auth;
   * WriteData(Idempotently) lets the mapping produce failed batches to the failure topic.
   */
  private grantReader(role: iam.IRole, clusterArn: string, mappings: readonly Mapping[], failedTopic: string): void {
    const statement = (actions: string[], resources: string[]) =>
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources }));
    statement(
      [
        'kafka-cluster:Connect',
        'kafka-cluster:DescribeCluster',
        'kafka-cluster:DescribeClusterDynamicConfiguration',
        'kafka-cluster:WriteDataIdempotently',
      ],
      [clusterArn],
    );
    statement(
      ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'],
      mappings.map((m) => topicArn(this, clusterArn, m.topic)),
    );
    statement(
      ['kafka-cluster:DescribeGroup', 'kafka-cluster:AlterGroup'],
      mappings.map((m) => groupArn(this, clusterArn, m.consumerGroup)),
    );
    statement(['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData'], [topicArn(this, clusterArn, failedTopic)]);
  }
}

import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as msk from 'aws-cdk-lib/aws-msk';
import type { Construct } from 'constructs';
import { replacementName } from '../constructs/replacement-name';
import { FAILED_TOPIC, REPLAY_TOPIC, TOPICS } from '../../contract/topics';

/** Props of {@link StreamingStack}. */
export interface StreamingStackProps extends StackProps {
  /** The VPC whose private subnets hold one broker per AZ. */
  vpc: ec2.IVpc;
  /** Broker instance type (kafka.m5.* or kafka.m7g.*). */
  instanceType: string;
  /** Kafka version of the cluster. */
  kafkaVersion: string;
  /** EBS storage per broker, in GiB. */
  brokerStorageGiB: number;
  /** Partitions of the clickstream topic (at most this many concurrent consumers per processor). */
  partitions: number;
  /** Hours a record stays on the topics. */
  retentionHours: number;
}

/** MSK's port for IAM-authenticated TLS clients. */
export const MSK_IAM_PORT = 9098;

/**
 * Amazon MSK, provisioned: 3 brokers (one per AZ) with IAM client auth, TLS everywhere,
 * encryption at rest and broker logs, plus the clickstream and bad-events topics created at
 * deploy time through the native topic API.
 */
export class StreamingStack extends Stack {
  public readonly cluster: msk.CfnCluster;
  /** The cluster's security group; the Lambda event source mappings use it too. */
  public readonly securityGroup: ec2.SecurityGroup;
  public readonly eventsTopic: msk.CfnTopic;
  public readonly badTopic: msk.CfnTopic;
  /** Where event source mappings put batches that still fail after their retries, for replay. */
  public readonly failedTopic: msk.CfnTopic;
  /** Events re-published from the archive by `clickstream replay` (aggregator and indexer only). */
  public readonly replayTopic: msk.CfnTopic;

  constructor(scope: Construct, id: string, props: StreamingStackProps) {
    super(scope, id, props);
    this.securityGroup = new ec2.SecurityGroup(this, 'ClusterSecurityGroup', {
      vpc: props.vpc,
      description: 'MSK brokers: IAM/TLS clients and the Lambda event source mappings',
      allowAllOutbound: false,
    });
    // ESM pollers run ENIs with the cluster's own security group: they need to reach the brokers through it.
    this.securityGroup.addIngressRule(this.securityGroup, ec2.Port.tcp(MSK_IAM_PORT), 'Brokers and ESM pollers (self-referencing)');
    this.securityGroup.addEgressRule(this.securityGroup, ec2.Port.tcp(MSK_IAM_PORT), 'Broker replication and ESM pollers');
    this.securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'ESM pollers reach Lambda and STS over HTTPS');

    const brokerLogs = new logs.LogGroup(this, 'BrokerLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const configuration = new msk.CfnConfiguration(this, 'Configuration', {
      // KafkaVersionsList is create-only: a new version replaces the configuration, so the version is
      // in the name and the replacement never collides with the configuration it replaces.
      name: `${this.stackName}-brokers-${props.kafkaVersion.replace(/\./g, '-')}`,
      kafkaVersionsList: [props.kafkaVersion],
      serverProperties: [
        'auto.create.topics.enable=false',
        'default.replication.factor=3',
        'min.insync.replicas=2',
        'unclean.leader.election.enable=false',
      ].join('\n'),
    });
    const subnets = props.vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS });
    this.cluster = new msk.CfnCluster(this, 'Cluster', {
      // Client subnets and security groups are create-only. A subnet is replaced (keeping its logical
      // id) when its AZ or CIDR changes, the security group only with the VPC, whose CIDR the subnets'
      // carry; the cluster is then replaced too, under a new name. The other create-only settings are constants here.
      clusterName: replacementName(`${this.stackName}-kafka`, {
        subnets: subnets.subnets.map((s) => [s.availabilityZone, s.ipv4CidrBlock]),
      }),
      kafkaVersion: props.kafkaVersion,
      // One broker per AZ: the count is total, not per AZ (unlike the alpha L2's numberOfBrokerNodes).
      numberOfBrokerNodes: subnets.subnetIds.length,
      brokerNodeGroupInfo: {
        clientSubnets: subnets.subnetIds,
        instanceType: props.instanceType,
        securityGroups: [this.securityGroup.securityGroupId],
        storageInfo: { ebsStorageInfo: { volumeSize: props.brokerStorageGiB } },
      },
      clientAuthentication: { sasl: { iam: { enabled: true } }, unauthenticated: { enabled: false } },
      encryptionInfo: { encryptionInTransit: { clientBroker: 'TLS', inCluster: true } },
      enhancedMonitoring: 'PER_TOPIC_PER_PARTITION',
      // The latest revision, so an edit of the broker settings reaches the brokers (a pinned 1 never would).
      configurationInfo: { arn: configuration.attrArn, revision: configuration.attrLatestRevisionRevision },
      loggingInfo: { brokerLogs: { cloudWatchLogs: { enabled: true, logGroup: brokerLogs.logGroupName } } },
    });

    const retentionMs = Duration.hours(props.retentionHours).toMilliseconds();
    const configs = Buffer.from(`retention.ms=${retentionMs}\nmin.insync.replicas=2`).toString('base64');
    this.eventsTopic = new msk.CfnTopic(this, 'ClickstreamTopic', {
      clusterArn: this.cluster.attrArn,
      topicName: TOPICS.events,
      partitionCount: props.partitions,
      replicationFactor: 3,
      configs,
    });
    this.badTopic = new msk.CfnTopic(this, 'BadEventsTopic', {
      clusterArn: this.cluster.attrArn,
      topicName: TOPICS.bad,
      partitionCount: 1,
      replicationFactor: 3,
      configs,
    });
    this.failedTopic = new msk.CfnTopic(this, 'FailedBatchesTopic', {
      clusterArn: this.cluster.attrArn,
      topicName: FAILED_TOPIC,
      partitionCount: 1,
      replicationFactor: 3,
      configs,
    });
    // One partition: a replay is a backfill, its order across sessions does not matter and one poller per mapping costs least.
    this.replayTopic = new msk.CfnTopic(this, 'ReplayTopic', {
      clusterArn: this.cluster.attrArn,
      topicName: REPLAY_TOPIC,
      partitionCount: 1,
      replicationFactor: 3,
      configs,
    });
  }
}

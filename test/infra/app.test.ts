import { Match, type Template } from 'aws-cdk-lib/assertions';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig, searchCapacity } from '../../lib/config';
import { DRAIN_SECONDS } from '../../lib/stacks/collector-stack';
import { clickstreamContext, stableTemplate, synthApp } from '../support/cdk-app';

const { templates: t, outdir, stacks } = synthApp();

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown>; DependsOn?: string[] | string }>;
const resources = (tpl: Template, type: string): Resources => tpl.findResources(type) as Resources;
const only = (tpl: Template, type: string) => {
  const found = Object.values(resources(tpl, type));
  expect(found).toHaveLength(1);
  return found[0];
};

describe('synth', () => {
  it('passes CloudFormation validation and cdk-nag with every finding acknowledged', () => {
    // synthApp() already synthesized: an unacknowledged error would have thrown there.
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: { pluginName: string; violations: unknown[] }[];
    };
    expect(report.pluginReports.map((r) => [r.pluginName, r.violations])).toEqual(report.pluginReports.map((r) => [r.pluginName, []]));
  });

  it('would fail on an unacknowledged cdk-nag finding (the checks really run)', () => {
    const app = new App();
    const stack = new Stack(app, 'Bad', { env: { region: 'eu-west-1' } });
    new s3.Bucket(stack, 'Open'); // no SSL enforcement, no access logs
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).toThrow(/AwsSolutions-S10/);
  });

  it.each(Object.keys(t))('%s stack matches its snapshot (asset hashes normalised)', (name) => {
    expect(stableTemplate(t[name as keyof typeof t])).toMatchSnapshot();
  });
});

describe('network', () => {
  it('spreads subnets over the three configured AZs even without an account', () => {
    const azs = new Set(Object.values(resources(t.network, 'AWS::EC2::Subnet')).map((s) => s.Properties?.AvailabilityZone));
    expect([...azs].sort()).toEqual(['eu-west-1a', 'eu-west-1b', 'eu-west-1c']);
  });

  it('logs all VPC traffic', () => {
    t.network.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'ALL', ResourceType: 'VPC' });
  });
});

describe('streaming', () => {
  // CloudFormation creates a replacement before deleting the old resource, so a fixed name
  // collides. Create-only properties (CloudFormation resource schemas): MSK::Cluster ClientSubnets,
  // SecurityGroups, EncryptionAtRest, InCluster, BrokerAZDistribution; MSK::Configuration
  // KafkaVersionsList; RedshiftServerless::Namespace only its name; ::Workgroup its name and the
  // namespace's (both fixed), so the warehouse's names never force a collision.
  it('names the cluster and its configuration anew exactly when a setting replaces them', () => {
    const names = (tpl: typeof t) => ({
      cluster: only(tpl.streaming, 'AWS::MSK::Cluster').Properties!.ClusterName,
      configuration: only(tpl.streaming, 'AWS::MSK::Configuration').Properties!.Name,
    });
    const now = names(t);
    expect(now.cluster).toMatch(/^ClickstreamStreaming-kafka-[0-9a-f]{8}$/);
    // Updatable settings (broker size, storage) keep both names, so the cluster is updated in place.
    expect(names(synthApp({ msk: { instanceType: 'kafka.m7g.xlarge', brokerStorageGiB: 200 } }).templates)).toEqual(now);
    // Other AZs replace the subnets (same logical ids) and so the cluster; a Kafka version replaces the configuration.
    const moved = names(
      synthApp({ availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1d'], msk: { kafkaVersion: '3.9.x' } }).templates,
    );
    expect(moved.cluster).not.toBe(now.cluster);
    expect(moved.configuration).not.toBe(now.configuration);
  }, 120_000);

  it('runs three m7g brokers, one per AZ, with IAM auth and TLS everywhere', () => {
    t.streaming.hasResourceProperties('AWS::MSK::Cluster', {
      NumberOfBrokerNodes: 3,
      KafkaVersion: '3.8.x',
      BrokerNodeGroupInfo: Match.objectLike({ InstanceType: 'kafka.m7g.large' }),
      ClientAuthentication: { Sasl: { Iam: { Enabled: true } }, Unauthenticated: { Enabled: false } },
      EncryptionInfo: { EncryptionInTransit: { ClientBroker: 'TLS', InCluster: true } },
      LoggingInfo: { BrokerLogs: { CloudWatchLogs: Match.objectLike({ Enabled: true }) } },
    });
    const cluster = only(t.streaming, 'AWS::MSK::Cluster');
    expect((cluster.Properties!.BrokerNodeGroupInfo as { ClientSubnets: unknown[] }).ClientSubnets).toHaveLength(3);
  });

  // AWS::MSK::Configuration: KafkaVersionsList and Name are create-only. A Kafka upgrade replaces
  // the configuration, which fails ("already exists") if the new one has the old one's name.
  it('names the broker configuration after its Kafka version, so an upgrade replaces it without a name clash', () => {
    const names = ['3.8.x', '3.9.x'].map(
      (v) =>
        (only(synthApp({ msk: { kafkaVersion: v } }).templates.streaming, 'AWS::MSK::Configuration').Properties as { Name: string }).Name,
    );
    expect(names).toEqual(['ClickstreamStreaming-brokers-3-8-x', 'ClickstreamStreaming-brokers-3-9-x']);
  });

  // MSK applies a configuration only at the revision the cluster names: a pinned revision 1 would
  // leave every later edit of the broker settings unapplied.
  it('runs the latest revision of its broker configuration', () => {
    const [configId] = Object.keys(resources(t.streaming, 'AWS::MSK::Configuration'));
    t.streaming.hasResourceProperties('AWS::MSK::Cluster', {
      ConfigurationInfo: { Arn: { 'Fn::GetAtt': [configId, 'Arn'] }, Revision: { 'Fn::GetAtt': [configId, 'LatestRevision.Revision'] } },
    });
  });

  it('creates the clickstream topic with 3 partitions and replication 3, and the bad and failed topics, at deploy time', () => {
    t.streaming.hasResourceProperties('AWS::MSK::Topic', { TopicName: 'clickstream', PartitionCount: 3, ReplicationFactor: 3 });
    t.streaming.hasResourceProperties('AWS::MSK::Topic', { TopicName: 'clickstream-bad', ReplicationFactor: 3 });
    t.streaming.hasResourceProperties('AWS::MSK::Topic', { TopicName: 'clickstream-failed', ReplicationFactor: 3 });
  });

  it('lets the ESM pollers reach the brokers through the cluster security group itself (port 9098)', () => {
    const [id] = Object.keys(resources(t.streaming, 'AWS::EC2::SecurityGroup'));
    t.streaming.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp',
      FromPort: 9098,
      ToPort: 9098,
      GroupId: { 'Fn::GetAtt': [id, 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [id, 'GroupId'] },
    });
  });

  it('turns off automatic topic creation and requires two in-sync replicas', () => {
    t.streaming.hasResourceProperties('AWS::MSK::Configuration', {
      ServerProperties: Match.stringLikeRegexp('auto.create.topics.enable=false[\\s\\S]*min.insync.replicas=2'),
    });
  });
});

describe('storage', () => {
  it('creates the Redshift workgroup after its namespace, with the smallest base capacity and a cap, private', () => {
    const [nsId] = Object.keys(resources(t.storage, 'AWS::RedshiftServerless::Namespace'));
    const wg = only(t.storage, 'AWS::RedshiftServerless::Workgroup');
    expect([wg.DependsOn].flat()).toContain(nsId);
    expect(wg.Properties).toMatchObject({ BaseCapacity: 4, MaxCapacity: 32, PubliclyAccessible: false });
  });

  // Redshift Serverless bills at least 60 s each time it starts work: the aggregator's window is
  // what lets it sleep; the raw-event path keeps its short window.
  it('batches the aggregator for the warehouse window and the other processors for seconds', () => {
    const windows = Object.values(resources(t.processing, 'AWS::Lambda::EventSourceMapping')).map((m) => [
      (m.Properties!.AmazonManagedKafkaEventSourceConfig as { ConsumerGroupId: string }).ConsumerGroupId,
      m.Properties!.MaximumBatchingWindowInSeconds,
    ]);
    expect(windows.sort()).toEqual([
      ['clickstream-aggregator', 300],
      ['clickstream-aggregator-clickstream-replay', 300],
      ['clickstream-archiver', 1],
      ['clickstream-archiver-clickstream-bad', 1],
      ['clickstream-indexer', 1],
      ['clickstream-indexer-clickstream-replay', 1],
    ]);
  });

  it('keeps the admin password out of the template (a Secrets Manager reference)', () => {
    const ns = only(t.storage, 'AWS::RedshiftServerless::Namespace');
    expect(JSON.stringify(ns.Properties!.AdminUserPassword)).toContain('{{resolve:secretsmanager:');
  });

  it('applies the SQL migrations through a custom resource after the workgroup exists', () => {
    const [wgId] = Object.keys(resources(t.storage, 'AWS::RedshiftServerless::Workgroup'));
    const migrations = Object.values(resources(t.storage, 'AWS::CloudFormation::CustomResource')).find((r) => r.Properties?.MigrationsHash);
    expect(migrations).toBeDefined();
    expect([migrations!.DependsOn].flat()).toContain(wgId);
    expect(migrations!.Properties).toMatchObject({ Database: 'clickstream', WriterRoleNames: [expect.anything()] });
  });

  it('runs OpenSearch in the VPC over 3 AZs with fine-grained access control, encryption, HTTPS and logs', () => {
    t.storage.hasResourceProperties('AWS::OpenSearchService::Domain', {
      ClusterConfig: Match.objectLike({
        InstanceCount: 3,
        ZoneAwarenessEnabled: true,
        ZoneAwarenessConfig: { AvailabilityZoneCount: 3 },
        MultiAZWithStandbyEnabled: false,
      }),
      NodeToNodeEncryptionOptions: { Enabled: true },
      EncryptionAtRestOptions: { Enabled: true },
      DomainEndpointOptions: Match.objectLike({ EnforceHTTPS: true }),
      AdvancedSecurityOptions: Match.objectLike({
        Enabled: true,
        InternalUserDatabaseEnabled: false,
        MasterUserOptions: { MasterUserARN: Match.anyValue() },
      }),
      VPCOptions: Match.objectLike({ SubnetIds: Match.anyValue() }),
      LogPublishingOptions: Match.objectLike({
        SEARCH_SLOW_LOGS: Match.objectLike({ Enabled: true }),
        AUDIT_LOGS: Match.objectLike({ Enabled: true }),
      }),
    });
    const domain = only(t.storage, 'AWS::OpenSearchService::Domain');
    expect((domain.Properties!.VPCOptions as { SubnetIds: unknown[] }).SubnetIds).toHaveLength(3);
  });

  it('creates the OpenSearch service-linked role first, tolerating one that already exists', () => {
    const slr = Object.entries(resources(t.storage, 'Custom::AWS')).find(([, r]) =>
      JSON.stringify(r.Properties).includes('createServiceLinkedRole'),
    );
    expect(slr).toBeDefined();
    expect(JSON.stringify(slr![1].Properties)).toContain('InvalidInput');
    const domain = Object.values(resources(t.storage, 'AWS::OpenSearchService::Domain'))[0];
    expect([domain.DependsOn].flat()).toEqual(expect.arrayContaining([expect.stringMatching(/^SearchServiceLinkedRole/)]));
  });

  // A retained VPC domain keeps its ENIs in the subnets, so the network stack cannot be deleted and
  // `cdk destroy` ends in DELETE_FAILED; Redshift deletes a namespace's data unless it takes a final snapshot.
  it('lets cdk destroy complete: the search domain goes, the warehouse leaves a final snapshot, the archive stays', () => {
    t.storage.hasResource('AWS::OpenSearchService::Domain', { DeletionPolicy: 'Delete' });
    t.storage.hasResourceProperties('AWS::RedshiftServerless::Namespace', {
      FinalSnapshotName: Match.stringLikeRegexp('-final$'),
      FinalSnapshotRetentionPeriod: -1,
    });
    for (const bucket of Object.values(resources(t.storage, 'AWS::S3::Bucket')))
      expect((bucket as { DeletionPolicy?: string }).DeletionPolicy).toBe('Retain');
  });

  it('with keepData false, deletes the buckets with their objects and takes no final snapshot', () => {
    const gone = synthApp({ keepData: false }).templates.storage;
    for (const bucket of Object.values(resources(gone, 'AWS::S3::Bucket')))
      expect((bucket as { DeletionPolicy?: string }).DeletionPolicy).toBe('Delete');
    expect(Object.keys(gone.findResources('Custom::S3AutoDeleteObjects'))).toHaveLength(2);
    const namespace = only(gone, 'AWS::RedshiftServerless::Namespace');
    expect(namespace.Properties!.FinalSnapshotName).toBeUndefined();
  });

  it('keeps the archive encrypted, private, TLS-only, with lifecycle tiers and expiry', () => {
    const bucketId = stacks.storage.resolve((stacks.storage.archive.bucket.node.defaultChild as s3.CfnBucket).logicalId);
    const bucket = resources(t.storage, 'AWS::S3::Bucket')[bucketId];
    expect(bucket.Properties).toMatchObject({
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LifecycleConfiguration: {
        Rules: [
          { Id: 'ExpireStaging', Prefix: 'staging/', ExpirationInDays: 1, Status: 'Enabled' },
          expect.objectContaining({
            ExpirationInDays: 730,
            Transitions: [
              { StorageClass: 'STANDARD_IA', TransitionInDays: 30 },
              { StorageClass: 'GLACIER_IR', TransitionInDays: 90 },
            ],
          }),
        ],
      },
    });
    t.storage.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
  });
});

describe('collector', () => {
  it('starts the service only after the rule that lets its tasks reach the brokers exists', () => {
    const [[ruleId]] = Object.entries(resources(t.collector, 'AWS::EC2::SecurityGroupIngress')).filter(
      ([, r]) => (r.Properties as { FromPort: number }).FromPort === 9098,
    );
    const service = Object.values(resources(t.collector, 'AWS::ECS::Service'))[0];
    expect([service.DependsOn].flat()).toContain(ruleId);
  });

  it('deploys after its topics exist, by depending on the topic constructs (not a manual stack order)', () => {
    expect(stacks.collector.dependencies).toContain(stacks.streaming);
    t.collector.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: Match.arrayWith([
        Match.objectLike({
          Environment: Match.arrayWith([
            { Name: 'KAFKA_TOPIC', Value: 'clickstream' },
            { Name: 'KAFKA_BAD_TOPIC', Value: 'clickstream-bad' },
          ]),
        }),
      ]),
    });
  });

  it('checks health on /health and rolls back deployments that never get healthy', () => {
    t.collector.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      HealthCheckPath: '/health',
      Matcher: { HttpCode: '200' },
      TargetGroupAttributes: Match.arrayWith([{ Key: 'deregistration_delay.timeout_seconds', Value: String(DRAIN_SECONDS) }]),
    });
    t.collector.hasResourceProperties('AWS::ECS::Service', {
      DeploymentConfiguration: Match.objectLike({ DeploymentCircuitBreaker: { Enable: true, Rollback: true } }),
    });
  });

  it('gives the container the stop timeout its drain needs, an init process, and an amd64 platform', () => {
    t.collector.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [
        Match.objectLike({
          StopTimeout: DRAIN_SECONDS,
          LinuxParameters: { InitProcessEnabled: true },
          PortMappings: [Match.objectLike({ ContainerPort: 8290 })],
        }),
      ],
      RuntimePlatform: { CpuArchitecture: 'X86_64', OperatingSystemFamily: 'LINUX' },
    });
  });

  it('keeps the collector drain below the stop timeout and the ALB idle timeout below the keep-alive', () => {
    const def = only(t.collector, 'AWS::ECS::TaskDefinition').Properties!.ContainerDefinitions as {
      Environment: { Name: string; Value: string }[];
    }[];
    const env = Object.fromEntries(def[0].Environment.map((e) => [e.Name, e.Value]));
    expect(Number(env.SHUTDOWN_TIMEOUT_MS)).toBeLessThan(DRAIN_SECONDS * 1000);
    expect(env).toMatchObject({ SINK: 'kafka', TRUSTED_PROXIES: '1', KAFKA_TOPIC: 'clickstream', KAFKA_BAD_TOPIC: 'clickstream-bad' });
    t.collector.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([
        { Key: 'idle_timeout.timeout_seconds', Value: '60' },
        { Key: 'access_logs.s3.enabled', Value: 'true' },
      ]),
    });
  });

  it('scales on requests per target and on CPU', () => {
    t.collector.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({
        PredefinedMetricSpecification: Match.objectLike({ PredefinedMetricType: 'ALBRequestCountPerTarget' }),
      }),
    });
    t.collector.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({
        PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
        TargetValue: 60,
      }),
    });
    t.collector.hasResourceProperties('AWS::ECS::Cluster', { ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }] });
  });

  it('grants the task exactly the producer actions on the cluster and the two topics', () => {
    const actions = Object.values(resources(t.collector, 'AWS::IAM::Policy'))
      .flatMap((p) => (p.Properties!.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement)
      .flatMap((s) => [s.Action].flat())
      .filter((a) => a.startsWith('kafka'));
    expect(actions.sort()).toEqual([
      'kafka-cluster:Connect',
      'kafka-cluster:DescribeCluster',
      'kafka-cluster:DescribeTopic',
      'kafka-cluster:WriteData',
      'kafka-cluster:WriteDataIdempotently',
      'kafka:GetBootstrapBrokers',
    ]);
  });

  it('on a domain in a Route 53 zone: a DNS-validated certificate, an alias record, HTTPS, and the tracker pointed at the name', () => {
    t.collector.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'collect.example.com',
      ValidationMethod: 'DNS',
      DomainValidationOptions: [{ DomainName: 'collect.example.com', HostedZoneId: 'Z0123456789ABCDEFGHIJ' }],
    });
    t.collector.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'collect.example.com.',
      Type: 'A',
      HostedZoneId: 'Z0123456789ABCDEFGHIJ',
      AliasTarget: Match.anyValue(),
    });
    t.collector.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Protocol: 'HTTPS', Port: 443 });
    t.collector.hasOutput('TrackerSnippet', {
      Value:
        '<script src="https://collect.example.com/clickstream.js" data-collector="https://collect.example.com" data-party-days="395" defer></script>',
    });
    t.collector.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [
        Match.objectLike({ Environment: Match.arrayWith([{ Name: 'ALLOWED_ORIGINS', Value: 'https://www.example.com' }]) }),
      ],
    });
  });

  it('with allowInsecureHttp only: plain HTTP and cookies without Secure', () => {
    const http = synthApp({ collector: { hostedZoneId: '', hostedZoneName: '', domainName: '', allowInsecureHttp: true } }).templates
      .collector;
    http.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    http.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Protocol: 'HTTP',
      Port: 80,
      DefaultActions: [Match.objectLike({ Type: 'forward' })],
    });
    http.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({ Environment: Match.arrayWith([{ Name: 'COOKIE_SECURE', Value: 'false' }]) })],
    });
  });

  it('serves HTTPS with secure cookies and redirects HTTP when a certificate is configured', () => {
    const https = synthApp({
      collector: {
        hostedZoneId: '',
        hostedZoneName: '',
        domainName: '',
        certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666',
      },
    }).templates.collector;
    https.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Protocol: 'HTTPS',
      Port: 443,
      Certificates: [{ CertificateArn: Match.stringLikeRegexp('certificate/0a1b2c3d') }],
    });
    https.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Protocol: 'HTTP',
      Port: 80,
      DefaultActions: [Match.objectLike({ Type: 'redirect', RedirectConfig: Match.objectLike({ Protocol: 'HTTPS', Port: '443' }) })],
    });
    https.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({ Environment: Match.arrayWith([{ Name: 'COOKIE_SECURE', Value: 'true' }]) })],
    });
  });

  it('puts a WAF rate rule in front of the ALB by default', () => {
    t.collector.hasResourceProperties('AWS::WAFv2::WebACL', {
      Rules: [Match.objectLike({ Statement: { RateBasedStatement: { Limit: 2000, AggregateKeyType: 'IP' } } })],
    });
  });
});

describe('processing', () => {
  const topicOf = (m: { Properties?: Record<string, unknown> }) => (m.Properties!.Topics as string[])[0];

  it('feeds each processor from the start of the topic in provisioned mode, with retries and a failure topic', () => {
    const mappings = Object.values(resources(t.processing, 'AWS::Lambda::EventSourceMapping')).filter(
      (m) => topicOf(m) !== 'clickstream-replay',
    );
    expect(mappings).toHaveLength(4); // aggregator, indexer, archiver on the events topic; archiver on the bad topic
    const pollers = mappings.map((m) => (m.Properties!.ProvisionedPollerConfig as { MaximumPollers: number }).MaximumPollers).sort();
    expect(pollers).toEqual([1, 3, 3, 3]); // at most one poller per partition; 10 in all = one event poller unit
    for (const m of mappings) {
      expect(m.Properties).toMatchObject({
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 10000,
        ProvisionedPollerConfig: { MinimumPollers: 1, PollerGroupName: 'ClickstreamProcessing-pollers' },
        MaximumRetryAttempts: 10,
        BisectBatchOnFunctionError: true,
        DestinationConfig: { OnFailure: { Destination: 'kafka://clickstream-failed' } },
        AmazonManagedKafkaEventSourceConfig: {
          ConsumerGroupId: expect.stringMatching(/^clickstream-(aggregator|indexer|archiver)(-clickstream-bad)?$/),
        },
      });
    }
  });

  // Retries, bisecting and on-failure destinations need provisioned mode; an on-demand mapping with
  // them fails at deploy. The replay topic's mappings carry none of them and no poller units.
  it('reads the replay topic with on-demand mappings for the aggregator and the indexer only, never the archiver', () => {
    const replay = Object.values(resources(t.processing, 'AWS::Lambda::EventSourceMapping')).filter(
      (m) => topicOf(m) === 'clickstream-replay',
    );
    expect(replay.map((m) => JSON.stringify(m.Properties!.FunctionName)).sort()).toEqual([
      expect.stringContaining('Aggregator'),
      expect.stringContaining('Indexer'),
    ]);
    for (const m of replay) {
      expect(m.Properties).toMatchObject({ StartingPosition: 'TRIM_HORIZON' });
      for (const key of ['ProvisionedPollerConfig', 'MaximumRetryAttempts', 'BisectBatchOnFunctionError', 'DestinationConfig'])
        expect(m.Properties).not.toHaveProperty(key);
    }
    t.streaming.hasResourceProperties('AWS::MSK::Topic', { TopicName: 'clickstream-replay', PartitionCount: 1, ReplicationFactor: 3 });
  });

  it("runs the replayer in the VPC inside the brokers' security group, publishing only to the topics it replays into", () => {
    const [id, fn] = Object.entries(resources(t.processing, 'AWS::Lambda::Function')).find(([k]) => k.startsWith('Replayer'))!;
    expect(fn.Properties).toMatchObject({
      Timeout: 900,
      VpcConfig: { SecurityGroupIds: [expect.objectContaining({ 'Fn::ImportValue': expect.stringContaining('ClusterSecurityGroup') })] },
    });
    const statements = Object.values(resources(t.processing, 'AWS::IAM::Policy'))
      .concat(Object.values(resources(t.storage, 'AWS::IAM::Policy')))
      .filter((p) => JSON.stringify(p.Properties!.Roles).includes('ReplayerRole'))
      .flatMap((p) => (p.Properties!.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement);
    const resourcesOf = (action: string) =>
      JSON.stringify(statements.filter((st) => [st.Action].flat().includes(action)).map((st) => st.Resource));
    const written = resourcesOf('kafka-cluster:WriteData');
    for (const topic of ['/clickstream"', '/clickstream-bad"', '/clickstream-replay"']) expect(written).toContain(topic);
    expect(written).not.toContain('clickstream-failed');
    expect(resourcesOf('kafka-cluster:ReadData')).toContain('/clickstream-failed"');
    expect(resourcesOf('kafka-cluster:AlterGroup')).toContain('/clickstream-replayer"');
    expect(resourcesOf('s3:GetObject')).toContain('/events/*');
    expect(resourcesOf('s3:PutObject')).toBe('[]');
    expect(Object.keys(t.processing.findOutputs('ReplayerFunction'))).toHaveLength(1);
    expect(id).toMatch(/^Replayer/);
  });

  // Lambda: "the consumer group ID must be unique among all your Kafka event sources"; a shared
  // group fails to create the second mapping, or its members rebalance each other.
  it('gives every event source mapping its own consumer group, and each role exactly its groups', () => {
    const groups = Object.values(resources(t.processing, 'AWS::Lambda::EventSourceMapping')).map(
      (m) => (m.Properties!.AmazonManagedKafkaEventSourceConfig as { ConsumerGroupId: string }).ConsumerGroupId,
    );
    expect(new Set(groups).size).toBe(groups.length);
    const granted = JSON.stringify(
      Object.values(resources(t.storage, 'AWS::IAM::Policy')).filter((p) => JSON.stringify(p.Properties!.Roles).includes('ArchiverRole')),
    );
    expect(granted).toContain(':group/');
    for (const g of ['clickstream-archiver', 'clickstream-archiver-clickstream-bad']) expect(granted).toContain(`/${g}"`);
  });

  // AWS's documentation for Lambda MSK triggers with IAM lists kafka-cluster:Connect,
  // DescribeClusterDynamicConfiguration, DescribeTopic, ReadData, DescribeGroup and AlterGroup.
  it('grants every processor role the cluster actions a Lambda MSK trigger with IAM needs', () => {
    for (const role of ['AggregatorRole', 'IndexerRole', 'ArchiverRole']) {
      const actions = Object.values(resources(t.storage, 'AWS::IAM::Policy'))
        .filter((p) => JSON.stringify(p.Properties!.Roles).includes(role))
        .flatMap((p) => (p.Properties!.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement)
        .flatMap((st) => [st.Action].flat());
      expect(actions).toEqual(
        expect.arrayContaining([
          'kafka-cluster:Connect',
          'kafka-cluster:DescribeClusterDynamicConfiguration',
          'kafka-cluster:DescribeTopic',
          'kafka-cluster:ReadData',
          'kafka-cluster:DescribeGroup',
          'kafka-cluster:AlterGroup',
          'kafka-cluster:WriteDataIdempotently',
        ]),
      );
    }
  });

  it('runs the functions on a current Node.js runtime', () => {
    for (const fn of Object.values(resources(t.processing, 'AWS::Lambda::Function'))) expect(fn.Properties!.Runtime).toBe('nodejs24.x');
  });

  it('gives the processors the young-generation size the benchmark measures them with', () => {
    const processors = Object.entries(resources(t.processing, 'AWS::Lambda::Function'))
      .filter(([id]) => /^(Aggregator|Indexer|Archiver)/.test(id))
      .map(([, fn]) => fn);
    expect(processors).toHaveLength(3);
    for (const fn of processors) {
      expect((fn.Properties!.Environment as { Variables: Record<string, string> }).Variables.NODE_OPTIONS).toBe(
        '--enable-source-maps --max-semi-space-size=64',
      );
    }
  });

  it('grants the data-plane actions on exact topic and group ARNs', () => {
    const statements = Object.values(resources(t.storage, 'AWS::IAM::Policy'))
      .concat(Object.values(resources(t.processing, 'AWS::IAM::Policy')))
      .flatMap((p) => (p.Properties!.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement);
    const group = statements.find((s) => [s.Action].flat().includes('kafka-cluster:AlterGroup'));
    expect(JSON.stringify(group!.Resource)).toContain(':group/');
    expect(JSON.stringify(group!.Resource)).toMatch(/\/clickstream-(aggregator|indexer|archiver)"/);
    const read = statements.find((s) => [s.Action].flat().includes('kafka-cluster:ReadData'));
    expect(JSON.stringify(read!.Resource)).toContain(':topic/');
  });

  it('lets the aggregator and the indexer keep events they cannot store under their own bad/ prefix, and the aggregator stage rows for COPY', () => {
    const putsOf = (role: string) =>
      Object.values(resources(t.storage, 'AWS::IAM::Policy'))
        .filter((p) => JSON.stringify(p.Properties!.Roles).includes(role))
        .flatMap((p) => (p.Properties!.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement)
        .filter((s) => [s.Action].flat().includes('s3:PutObject'))
        .flatMap((s) => [s.Resource].flat().map((r) => JSON.stringify(r).match(/"\/[^"]*"/)?.[0]));
    expect(putsOf('AggregatorRole')).toEqual(['"/bad/aggregator/*"', '"/staging/aggregator/*"']);
    expect(putsOf('IndexerRole')).toEqual(['"/bad/indexer/*"']);
    const env = (id: RegExp) =>
      (
        Object.entries(resources(t.processing, 'AWS::Lambda::Function')).find(([k]) => id.test(k))![1].Properties!.Environment as {
          Variables: Record<string, unknown>;
        }
      ).Variables;
    expect(env(/^Aggregator/).ARCHIVE_BUCKET).toBeDefined();
  });

  it('attaches to the namespace a role Redshift assumes to COPY the staged rows, which reads nothing else, and names it to the aggregator', () => {
    const roleId = stacks.storage.resolve((stacks.storage.warehouse.copyRole.node.defaultChild as iam.CfnRole).logicalId) as string;
    t.storage.hasResourceProperties('AWS::RedshiftServerless::Namespace', { IamRoles: [{ 'Fn::GetAtt': [roleId, 'Arn'] }] });
    t.storage.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: ['redshift-serverless.amazonaws.com', 'redshift.amazonaws.com'] },
            Action: 'sts:AssumeRole',
          }),
        ],
      },
    });
    const statements = Object.values(resources(t.storage, 'AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties!.Roles).includes(roleId))
      .flatMap(
        (p) => (p.Properties!.PolicyDocument as { Statement: { Action: string; Resource: unknown; Condition?: unknown }[] }).Statement,
      );
    expect(statements.map((st) => [st.Action, JSON.stringify(st.Resource).match(/"\/[^"]*"/)?.[0] ?? 'bucket', st.Condition])).toEqual([
      ['s3:ListBucket', 'bucket', { StringLike: { 's3:prefix': ['staging/aggregator/*'] } }],
      ['s3:GetObject', '"/staging/aggregator/*"', undefined],
    ]);
    const aggregator = Object.entries(resources(t.processing, 'AWS::Lambda::Function')).find(([k]) => /^Aggregator/.test(k))![1];
    expect(JSON.stringify((aggregator.Properties!.Environment as { Variables: object }).Variables)).toMatch(
      /"REDSHIFT_COPY_ROLE_ARN":\{"Fn::ImportValue":"[^"]*CopyRole/,
    );
  });
});

describe('a way into the search domain', () => {
  it('lets port-forwarding sessions through a collector task reach the domain on HTTPS, and nothing else new', () => {
    t.collector.hasResourceProperties('AWS::ECS::Service', { EnableExecuteCommand: true });
    t.collector.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: { 'Fn::ImportValue': Match.stringLikeRegexp('SearchSecurityGroup') },
      SourceSecurityGroupId: Match.anyValue(),
      IpProtocol: 'tcp',
      FromPort: 443,
      ToPort: 443,
    });
  });

  it('has a reader role of the account that the domain lets in and the setup maps to read-only and Dashboards roles', () => {
    const [readerId] = Object.entries(resources(t.storage, 'AWS::IAM::Role')).find(([id]) => id.includes('ReaderRole'))!;
    // CDK applies the domain's access policy through a custom resource (UpdateDomainConfig).
    expect(JSON.stringify(resources(t.storage, 'Custom::OpenSearchAccessPolicy'))).toContain(readerId);
    const setup = Object.values(resources(t.storage, 'AWS::CloudFormation::CustomResource')).find((r) => 'ReaderRoleArn' in r.Properties!)!;
    expect(setup.Properties!.ReaderRoleArn).toEqual({ 'Fn::GetAtt': [readerId, 'Arn'] });
    const outputs = { ...t.storage.findOutputs('*'), ...t.collector.findOutputs('*') };
    for (const key of ['OpenSearchEndpoint', 'SearchReaderRoleArn', 'CollectorCluster', 'CollectorService'])
      expect(outputs).toHaveProperty(key);
  });
});

describe('monitoring', () => {
  // CloudWatch alarm actions to an SNS topic encrypted with a customer key are dropped unless the
  // key policy grants cloudwatch.amazonaws.com kms:Decrypt and kms:GenerateDataKey*.
  it('lets CloudWatch use the alarm topic key, so alarm e-mails are delivered', () => {
    t.monitoring.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Condition: Match.objectLike({ StringEquals: Match.anyValue() }),
          }),
        ]),
      },
    });
  });

  it('has a dashboard and sends every alarm to the encrypted SNS topic', () => {
    t.monitoring.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    t.monitoring.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    const alarms = Object.values(resources(t.monitoring, 'AWS::CloudWatch::Alarm'));
    expect(alarms.length).toBeGreaterThanOrEqual(9);
    for (const a of alarms) expect(a.Properties!.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^Alarms/) }]);
  });
});

describe('the warehouse-only profile', () => {
  it('with openSearch.enabled false deploys no search domain and no indexer, and still passes validation and cdk-nag', () => {
    const w = synthApp({ openSearch: { enabled: false } });
    w.templates.storage.resourceCountIs('AWS::OpenSearchService::Domain', 0);
    expect(Object.keys(resources(w.templates.processing, 'AWS::Lambda::EventSourceMapping'))).toHaveLength(4); // aggregator on the events and replay topics; archiver on the events and bad topics
    expect(Object.keys(resources(w.templates.processing, 'AWS::Lambda::Function')).some((id) => id.startsWith('Indexer'))).toBe(false);
    expect(Object.keys(resources(w.templates.monitoring, 'AWS::CloudWatch::Alarm')).some((id) => id.startsWith('Search'))).toBe(false);
    expect(Object.keys(w.templates.storage.findOutputs('*'))).not.toContain('OpenSearchEndpoint');
    w.templates.collector.hasResourceProperties('AWS::ECS::Service', { EnableExecuteCommand: false });
  });
});

describe('logs across all stacks', () => {
  // A function without LoggingConfig writes to an implicit /aws/lambda/<name> group kept forever.
  it('gives every function, those CDK adds included, a log group of its stack, and every log group a retention', () => {
    for (const tpl of Object.values(t)) {
      const groups = resources(tpl, 'AWS::Logs::LogGroup');
      for (const fn of Object.values(resources(tpl, 'AWS::Lambda::Function'))) {
        const ref = (fn.Properties!.LoggingConfig as { LogGroup?: { Ref: string } } | undefined)?.LogGroup?.Ref;
        expect(ref && groups[ref]).toBeTruthy();
      }
      for (const g of Object.values(groups)) expect(g.Properties!.RetentionInDays).toBe(30);
    }
  });

  // Redshift Serverless exports to /aws/redshift/<namespace>/<log type> and uses a group of that
  // name when it exists (AWS: "create log groups with predefined log-retention periods").
  it('creates the Redshift export log groups before the namespace, so they expire', () => {
    const namespace = Object.entries(resources(t.storage, 'AWS::RedshiftServerless::Namespace'))[0][1];
    const name = (namespace.Properties as { NamespaceName: string }).NamespaceName;
    const exports = (namespace.Properties as { LogExports: string[] }).LogExports;
    const groups = Object.entries(resources(t.storage, 'AWS::Logs::LogGroup')).filter(([, g]) =>
      String(g.Properties!.LogGroupName).startsWith('/aws/redshift/'),
    );
    expect(groups.map(([, g]) => g.Properties!.LogGroupName).sort()).toEqual(exports.map((type) => `/aws/redshift/${name}/${type}`).sort());
    expect([namespace.DependsOn].flat()).toEqual(expect.arrayContaining(groups.map(([id]) => id)));
  });
});

describe('security across all stacks', () => {
  const all = Object.values(t);

  it('has no IAM Allow statement with a wildcard action', () => {
    const wildcards = all.flatMap((tpl) =>
      Object.values({ ...resources(tpl, 'AWS::IAM::Policy'), ...resources(tpl, 'AWS::IAM::Role') }).flatMap((r) => {
        const docs = [
          r.Properties?.PolicyDocument,
          ...((r.Properties?.Policies as { PolicyDocument: unknown }[] | undefined) ?? []).map((p) => p.PolicyDocument),
        ].filter(Boolean) as { Statement: { Effect: string; Action: string | string[] }[] }[];
        return docs
          .flatMap((d) => d.Statement)
          .filter((s) => s.Effect === 'Allow')
          .flatMap((s) => [s.Action].flat())
          .filter((a) => a.includes('*'));
      }),
    );
    expect(wildcards).toEqual([]);
  });

  it('encrypts the stores we configure at rest (MSK and Redshift Serverless always are)', () => {
    const buckets = all.flatMap((tpl) => Object.values(resources(tpl, 'AWS::S3::Bucket')));
    expect(buckets.length).toBeGreaterThanOrEqual(2);
    for (const b of buckets)
      expect(b.Properties!.BucketEncryption).toEqual({
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      });
    t.storage.hasResourceProperties('AWS::OpenSearchService::Domain', { EncryptionAtRestOptions: { Enabled: true } });
    t.monitoring.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
  });
});

describe('configuration', () => {
  it('rejects bad values with the key and what is allowed', () => {
    expect(() => loadConfig(clickstreamContext({ availabilityZones: ['eu-west-1a', 'eu-west-1b'] }))).toThrow(
      new ConfigError('clickstream.availabilityZones: give exactly 3 distinct AZ names (MSK and OpenSearch place one node per AZ)'),
    );
    expect(() => loadConfig(clickstreamContext({ msk: { instanceType: 'kafka.t3.small' } }))).toThrow(
      /^clickstream\.msk\.instanceType: "kafka\.t3\.small" must be a kafka\.m5\.\* or kafka\.m7g\.\* type/,
    );
    expect(() => loadConfig(clickstreamContext({ redshift: { baseCapacityRpu: 12 } }))).toThrow(
      'clickstream.redshift.baseCapacityRpu: 12 must be 4, or a multiple of 8 from 8 to 1024',
    );
    expect(() => loadConfig(clickstreamContext({ processing: { batchSize: 20000 } }))).toThrow(
      'clickstream.processing.batchSize: 20000 must be an integer from 1 to 10000',
    );
    expect(() => loadConfig(clickstreamContext({ colector: {} }))).toThrow(/^clickstream\.colector: unknown setting/);
    expect(() => loadConfig(clickstreamContext({ availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'] }))).toThrow(
      'clickstream.availabilityZones: "us-east-1a" is not an AZ of eu-west-1',
    );
    expect(() => loadConfig(clickstreamContext({ openSearch: { instanceType: 't3.small.search' } }))).toThrow(/encryption at rest/);
  });

  // Browsers block requests from HTTPS pages to an HTTP collector (mixed content), and send
  // SameSite=None cookies only over HTTPS: a first deploy must not silently end up on HTTP.
  it('fails synth naming the settings when the collector has neither a certificate nor an explicit allowInsecureHttp', () => {
    const error =
      /^clickstream\.collector: websites on HTTPS can only send events to an HTTPS collector\. Set collector\.domainName with collector\.hostedZoneId and collector\.hostedZoneName .* or collector\.certificateArn .*collector\.allowInsecureHttp/;
    expect(() => loadConfig({ collector: { allowedOrigins: 'https://www.example.com' } })).toThrow(error);
    expect(() => loadConfig({ collector: { allowedOrigins: 'https://www.example.com', allowInsecureHttp: true } })).not.toThrow();
    expect(() => loadConfig(clickstreamContext({ collector: { domainName: 'collect.other.org' } }))).toThrow(
      'clickstream.collector.domainName: "collect.other.org" must be a name in the hosted zone example.com, like collect.example.com',
    );
    expect(() => loadConfig(clickstreamContext({ collector: { hostedZoneId: 'example.com' } }))).toThrow(
      /^clickstream\.collector\.hostedZoneId: "example\.com" is not a Route 53 hosted zone id/,
    );
  });

  // A full OpenSearch domain turns read-only at its flood-stage watermark and stops the indexer.
  it('sizes the search domain from the expected event rate, naming the volume or retention that would hold it', () => {
    expect(searchCapacity(loadConfig(clickstreamContext()).openSearch)).toBeCloseTo(8.8, 1);
    expect(() => loadConfig(clickstreamContext({ openSearch: { expectedEventsPerSecond: 50 } }))).toThrow(
      'clickstream.openSearch: 3 × 20 GiB holds about 8.8 events/s for 30 days, not the expected 50; set openSearch.volumeGiB to at least 114 or openSearch.retentionDays to at most 5, or lower openSearch.expectedEventsPerSecond',
    );
    expect(() => loadConfig(clickstreamContext({ openSearch: { expectedEventsPerSecond: 50, volumeGiB: 114 } }))).not.toThrow();
  });

  // CORS with credentials: any listed origin may send events carrying the visitor's cookies.
  it('requires the allowed origins (or an explicit "*") and checks each is an origin', () => {
    expect(() => loadConfig({ collector: { allowInsecureHttp: true } })).toThrow(
      /^clickstream\.collector\.allowedOrigins: list the sites that may send events/,
    );
    expect(() => loadConfig({ collector: { allowInsecureHttp: true, allowedOrigins: 'https://www.example.com/shop' } })).toThrow(
      'clickstream.collector.allowedOrigins: "https://www.example.com/shop" is not an origin like https://www.example.com (scheme and host, no path)',
    );
    expect(loadConfig({ collector: { allowInsecureHttp: true, allowedOrigins: '*' } }).collector.allowedOrigins).toBe('*');
  });
});

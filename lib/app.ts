/**
 * Builds the whole clickstream app from a validated configuration: one stack per lifecycle,
 * wired with typed props, checked by cdk-nag's AWS Solutions pack.
 */
import { App, Aspects, CfnOutput, Stack, Validations, type Environment } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { ClickstreamConfig } from './config';
import { BoundedFunctionLogs } from './log-retention';
import { acknowledgeFindings } from './nag-acknowledgements';
import { CollectorStack } from './stacks/collector-stack';
import { MonitoringStack } from './stacks/monitoring-stack';
import { NetworkStack } from './stacks/network-stack';
import { ProcessingStack } from './stacks/processing-stack';
import { StorageStack } from './stacks/storage-stack';
import { StreamingStack } from './stacks/streaming-stack';

/** The stacks of one deployment. */
export interface ClickstreamStacks {
  network: NetworkStack;
  streaming: StreamingStack;
  storage: StorageStack;
  collector: CollectorStack;
  processing: ProcessingStack;
  monitoring: MonitoringStack;
}

/** Adds every stack to `app`. */
export function buildApp(app: App, config: ClickstreamConfig, prefix = 'Clickstream'): ClickstreamStacks {
  const env: Environment = { region: config.region, ...(config.account ? { account: config.account } : {}) };
  const network = new NetworkStack(app, `${prefix}Network`, {
    env,
    availabilityZones: config.availabilityZones,
    natGateways: config.natGateways,
  });
  const vpc = network.vpc;
  const streaming = new StreamingStack(app, `${prefix}Streaming`, { env, vpc, ...config.msk });
  const storage = new StorageStack(app, `${prefix}Storage`, {
    env,
    vpc,
    redshiftBaseCapacityRpu: config.redshift.baseCapacityRpu,
    redshiftMaxCapacityRpu: config.redshift.maxCapacityRpu,
    database: config.redshift.database,
    openSearchInstanceType: config.openSearch.instanceType,
    openSearchVolumeGiB: config.openSearch.volumeGiB,
    retentionDays: config.openSearch.retentionDays,
    archive: config.archive,
    searchEnabled: config.openSearch.enabled,
    keepData: config.keepData,
  });
  const collector = new CollectorStack(app, `${prefix}Collector`, {
    env,
    vpc,
    cluster: streaming.cluster,
    clusterSecurityGroup: streaming.securityGroup,
    topics: { events: streaming.eventsTopic, bad: streaming.badTopic },
    accessLogsBucket: storage.archive.accessLogsBucket,
    searchSecurityGroup: storage.search?.domainSecurityGroup,
    ...config.collector,
  });
  const processing = new ProcessingStack(app, `${prefix}Processing`, {
    env,
    vpc,
    cluster: streaming.cluster,
    topics: { events: streaming.eventsTopic, bad: streaming.badTopic, failed: streaming.failedTopic, replay: streaming.replayTopic },
    clusterSecurityGroup: streaming.securityGroup,
    workgroup: storage.warehouse.workgroup,
    copyRole: storage.warehouse.copyRole,
    database: config.redshift.database,
    search:
      storage.search && storage.indexerRole
        ? { domain: storage.search.domain, clientSecurityGroup: storage.search.clientSecurityGroup, role: storage.indexerRole }
        : undefined,
    archiveBucket: storage.archive.bucket,
    roles: { aggregator: storage.aggregatorRole, archiver: storage.archiverRole, replayer: storage.replayerRole },
    batchSize: config.processing.batchSize,
    batchWindowSeconds: config.processing.batchWindowSeconds,
    warehouseWindowSeconds: config.processing.warehouseWindowSeconds,
    partitions: config.msk.partitions,
  });
  const monitoring = new MonitoringStack(app, `${prefix}Monitoring`, {
    env,
    collector: collector.service,
    cluster: streaming.cluster,
    processors: {
      Aggregator: processing.aggregator,
      ...(processing.indexer ? { Indexer: processing.indexer } : {}),
      Archiver: processing.archiver,
    },
    workgroup: storage.warehouse.workgroup,
    database: config.redshift.database,
    domain: storage.search?.domain,
    alarmEmail: config.alarmEmail,
  });

  const stacks = { network, streaming, storage, collector, processing, monitoring };
  addOutputs(stacks, config);
  Aspects.of(app).add(new BoundedFunctionLogs());
  acknowledgeFindings(stacks);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return stacks;
}

/** What a user needs after `cdk deploy`: where to send events, what to query, where to look. */
function addOutputs({ collector, storage, processing, monitoring }: ClickstreamStacks, config: ClickstreamConfig): void {
  const url = collector.url;
  output(collector, 'CollectorUrl', url, 'Collector endpoint: where the tracker sends events');
  output(
    collector,
    'TrackerSnippet',
    `<script src="${url}/clickstream.js" data-collector="${url}" data-party-days="${config.collector.partyCookieDays}" defer></script>`,
    'Paste into your pages',
  );
  output(
    storage,
    'RedshiftWorkgroup',
    storage.warehouse.workgroup.workgroupName,
    'npx clickstream query <name> --workgroup <this> --database <RedshiftDatabase>',
  );
  output(storage, 'RedshiftDatabase', config.redshift.database, 'Database holding the aggregate tables');
  if (storage.search) {
    output(
      storage,
      'OpenSearchEndpoint',
      storage.search.domain.domainEndpoint,
      'Raw events: npx clickstream search-proxy --stack <this stack>',
    );
    output(
      storage,
      'SearchReaderRoleArn',
      storage.search.readerRole.roleArn,
      'Assume it (e.g. a profile with role_arn) to search and use Dashboards',
    );
    output(
      collector,
      'CollectorCluster',
      collector.service.cluster.clusterName,
      'ECS cluster: port-forwarding sessions into the VPC start from its tasks',
    );
    output(collector, 'CollectorService', collector.service.service.serviceName, 'ECS service of the collector tasks');
  }
  output(
    processing,
    'ReplayerFunction',
    processing.replayer.functionName,
    'npx clickstream replay --stack <this stack> --since … | --failed',
  );
  output(storage, 'ArchiveBucket', storage.archive.bucket.bucketName, 'gzip NDJSON archive: events/ and bad/');
  output(
    monitoring,
    'DashboardUrl',
    `https://${config.region}.console.aws.amazon.com/cloudwatch/home?region=${config.region}#dashboards:name=${monitoring.dashboard.dashboardName}`,
    'CloudWatch dashboard',
  );
}

function output(stack: Stack, id: string, value: string, description: string): void {
  new CfnOutput(stack, id, { value, description });
}

import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as ecsPatterns from 'aws-cdk-lib/aws-ecs-patterns';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as msk from 'aws-cdk-lib/aws-msk';
import type * as opensearch from 'aws-cdk-lib/aws-opensearchservice';
import type * as redshift from 'aws-cdk-lib/aws-redshiftserverless';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import type { Mapping, Processor } from './processing-stack';

/** Props of {@link MonitoringStack}. */
export interface MonitoringStackProps extends StackProps {
  /** The collector service (load balancer and target group metrics). */
  collector: ecsPatterns.ApplicationLoadBalancedFargateService;
  /** The MSK cluster (consumer lag metrics). */
  cluster: msk.CfnCluster;
  /** The stream processors by display name: errors, duration and lag per mapping. */
  processors: Record<string, Processor>;
  /** The Redshift Serverless workgroup (capacity and failed queries). */
  workgroup: redshift.CfnWorkgroup;
  /** Database of the aggregate tables (for the failed-queries metric). */
  database: string;
  /** The OpenSearch domain (cluster status and free storage), when deployed. */
  domain: opensearch.IDomain | undefined;
  /** @default no subscription when empty */
  alarmEmail: string;
}

/** The metrics the alarms and the dashboard share. */
interface RiverMetrics {
  requests: cloudwatch.IMetric;
  errors5xx: cloudwatch.IMetric;
  latency: cloudwatch.IMetric;
  unhealthy: cloudwatch.IMetric;
  lag: (m: Mapping) => cloudwatch.IMetric;
  rpu: cloudwatch.IMetric;
  queryFailures: cloudwatch.IMetric;
}

/** A CloudWatch dashboard over the whole river and the alarms that page someone. */
export class MonitoringStack extends Stack {
  public readonly alarmTopic: sns.Topic;
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringStackProps) {
    super(scope, id, props);
    this.alarmTopic = this.topic(props.alarmEmail);
    const metrics = riverMetrics(props);
    this.alarms(props, metrics);
    this.dashboard = this.board(props, metrics);
  }

  /** The encrypted alarm topic, which CloudWatch may publish to. */
  private topic(email: string): sns.Topic {
    const key = new kms.Key(this, 'AlarmsKey', { enableKeyRotation: true, description: 'clickstream alarm topic' });
    // CloudWatch publishes alarm notifications to an encrypted topic only if the key lets it
    // (AWS: "the key policy must allow cloudwatch.amazonaws.com kms:Decrypt and kms:GenerateDataKey*").
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceAccount': this.account },
          ArnLike: { 'aws:SourceArn': `arn:${this.partition}:cloudwatch:${this.region}:${this.account}:alarm:*` },
        },
      }),
    );
    const topic = new sns.Topic(this, 'Alarms', { masterKey: key, enforceSSL: true });
    if (email) topic.addSubscription(new subscriptions.EmailSubscription(email));
    return topic;
  }

  private alarms(props: MonitoringStackProps, m: RiverMetrics): void {
    const alarm = (id: string, metric: cloudwatch.IMetric, threshold: number, description: string) => {
      const a = new cloudwatch.Alarm(this, id, {
        metric,
        threshold,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        alarmDescription: description,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      a.addAlarmAction(new actions.SnsAction(this.alarmTopic));
      return a;
    };
    alarm(
      'Collector5xx',
      m.errors5xx,
      50,
      'Collector answered more than 50 5xx per minute (sink down or buffer full: events are being refused).',
    );
    alarm('CollectorLatency', m.latency, 0.25, 'Collector p99 latency above 250 ms.');
    alarm('CollectorUnhealthy', m.unhealthy, 1, 'A collector task failed its health check (its sink is unavailable or it is draining).');
    for (const [name, p] of Object.entries(props.processors)) {
      alarm(
        `${name}Errors`,
        p.fn.metricErrors({ period: Duration.minutes(5) }),
        1,
        `The ${name} function failed; its MSK batches are being retried.`,
      );
      for (const mapping of p.mappings) {
        const id = `${name}Lag${mapping.topic === p.mappings[0].topic ? '' : `-${mapping.topic}`}`;
        alarm(
          id,
          m.lag(mapping),
          100_000,
          `The ${name} consumer group ${mapping.consumerGroup} is more than 100,000 records behind on ${mapping.topic}.`,
        );
      }
    }
    const domain = props.domain;
    if (!domain) return;
    alarm('SearchClusterRed', domain.metricClusterStatusRed({ period: Duration.minutes(1) }), 1, 'The OpenSearch cluster is red.');
    const lowStorage = alarm(
      'SearchFreeStorage',
      domain.metricFreeStorageSpace({ period: Duration.minutes(5), statistic: 'Minimum' }),
      2048,
      'OpenSearch has less than 2 GiB of free storage on a node.',
    );
    (lowStorage.node.defaultChild as cloudwatch.CfnAlarm).comparisonOperator = cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD;
  }

  private board(props: MonitoringStackProps, m: RiverMetrics): cloudwatch.Dashboard {
    const processorWidgets = Object.entries(props.processors).map(
      ([name, p]) =>
        new cloudwatch.GraphWidget({
          title: `${name}: errors, duration, lag`,
          left: [p.fn.metricErrors(), p.fn.metricDuration({ statistic: 'p99' })],
          right: p.mappings.map(m.lag),
          width: 8,
        }),
    );
    return new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `${this.stackName}-clickstream`,
      widgets: [
        [
          new cloudwatch.GraphWidget({ title: 'Collector requests and 5xx', left: [m.requests], right: [m.errors5xx], width: 12 }),
          new cloudwatch.GraphWidget({
            title: 'Collector latency p99 (s) and unhealthy tasks',
            left: [m.latency],
            right: [m.unhealthy],
            width: 12,
          }),
        ],
        processorWidgets,
        [
          new cloudwatch.GraphWidget({ title: 'Redshift: RPU and failed queries', left: [m.rpu], right: [m.queryFailures], width: 12 }),
          ...(props.domain
            ? [
                new cloudwatch.GraphWidget({
                  title: 'OpenSearch: cluster status and free storage',
                  left: [props.domain.metricClusterStatusRed(), props.domain.metricClusterStatusYellow()],
                  right: [props.domain.metricFreeStorageSpace()],
                  width: 12,
                }),
              ]
            : []),
        ],
      ],
    });
  }
}

function riverMetrics(props: MonitoringStackProps): RiverMetrics {
  const minute = { period: Duration.minutes(1) };
  const targets = props.collector.targetGroup.metrics;
  return {
    requests: props.collector.loadBalancer.metrics.requestCount(minute),
    errors5xx: targets.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, minute),
    latency: targets.targetResponseTime({ ...minute, statistic: 'p99' }),
    unhealthy: targets.unhealthyHostCount(minute),
    lag: (m) =>
      new cloudwatch.Metric({
        namespace: 'AWS/Kafka',
        metricName: 'MaxOffsetLag',
        dimensionsMap: { 'Cluster Name': props.cluster.clusterName, 'Consumer Group': m.consumerGroup, Topic: m.topic },
        ...minute,
        statistic: 'Maximum',
      }),
    rpu: new cloudwatch.Metric({
      namespace: 'AWS/Redshift-Serverless',
      metricName: 'ComputeCapacity',
      dimensionsMap: { Workgroup: props.workgroup.workgroupName },
      period: Duration.minutes(5),
    }),
    queryFailures: new cloudwatch.Metric({
      namespace: 'AWS/Redshift-Serverless',
      metricName: 'QueriesFailed',
      dimensionsMap: { Workgroup: props.workgroup.workgroupName, DatabaseName: props.database },
      period: Duration.minutes(5),
      statistic: 'Sum',
    }),
  };
}

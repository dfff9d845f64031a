import { Duration, IgnoreMode, Stack, type StackProps } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as ecsPatterns from 'aws-cdk-lib/aws-ecs-patterns';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import type * as msk from 'aws-cdk-lib/aws-msk';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import { join } from 'node:path';
import type { ClickstreamConfig } from '../config';
import { topicArn } from '../kafka-arns';

type CollectorSettings = ClickstreamConfig['collector'];
import { MSK_IAM_PORT } from './streaming-stack';

/** Props of {@link CollectorStack}: the wiring plus the `collector` settings of the configuration. */
export interface CollectorStackProps extends StackProps, CollectorSettings {
  /** The VPC whose public subnets hold the load balancer and private ones the tasks. */
  vpc: ec2.IVpc;
  /** The MSK cluster the collector produces to. */
  cluster: msk.CfnCluster;
  /** The cluster's security group: the collector's tasks are let in on the IAM port. */
  clusterSecurityGroup: ec2.ISecurityGroup;
  /** The topics the collector writes; the service starts only once they exist. */
  topics: { events: msk.CfnTopic; bad: msk.CfnTopic };
  /** Where the load balancer writes its access logs. */
  accessLogsBucket: s3.IBucket;
  /**
   * The search domain's security group: the tasks are let in on HTTPS so that an operator's
   * ECS Exec port-forwarding session through a task reaches OpenSearch Dashboards.
   * @default no way in (no search domain)
   */
  searchSecurityGroup?: ec2.ISecurityGroup;
}

/** Seconds the collector needs to drain: deregistration delay and stop timeout are matched to it. */
export const DRAIN_SECONDS = 30;
const COLLECTOR_PORT = 8290;

/**
 * The collector: an ECS Fargate service built from collector/Dockerfile behind an ALB, with a
 * health check on /health, a deployment circuit breaker, autoscaling on requests and CPU, and
 * exactly the kafka-cluster actions a producer needs.
 */
export class CollectorStack extends Stack {
  public readonly service: ecsPatterns.ApplicationLoadBalancedFargateService;
  /** The address browsers send events to: `https://<domainName>` when configured. */
  public readonly url: string;

  constructor(scope: Construct, id: string, props: CollectorStackProps) {
    super(scope, id, props);
    const tls = this.tls(props);
    const https = tls !== undefined;
    const cluster = new ecs.Cluster(this, 'Cluster', { vpc: props.vpc, containerInsightsV2: ecs.ContainerInsights.ENABLED });
    const logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_MONTH });
    this.service = new ecsPatterns.ApplicationLoadBalancedFargateService(this, 'Service', {
      cluster,
      cpu: props.cpu,
      memoryLimitMiB: props.memoryMiB,
      desiredCount: props.minTasks,
      publicLoadBalancer: true,
      ...(tls ? { ...tls, protocol: elbv2.ApplicationProtocol.HTTPS, redirectHTTP: true, sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS } : {}),
      circuitBreaker: { rollback: true },
      // ECS Exec: the way into the VPC-only search domain (an SSM port-forwarding session, allowed by IAM only).
      enableExecuteCommand: Boolean(props.searchSecurityGroup),
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      healthCheckGracePeriod: Duration.seconds(30),
      runtimePlatform: { cpuArchitecture: ecs.CpuArchitecture.X86_64, operatingSystemFamily: ecs.OperatingSystemFamily.LINUX },
      taskImageOptions: {
        image: ecs.ContainerImage.fromAsset(join(__dirname, '../..'), {
          file: 'collector/Dockerfile',
          platform: Platform.LINUX_AMD64,
          ignoreMode: IgnoreMode.DOCKER,
          exclude: ['node_modules', 'cdk.out', '.git', 'test', '.clickstream', 'datasets'],
        }),
        containerPort: COLLECTOR_PORT,
        logDriver: ecs.LogDrivers.awsLogs({ streamPrefix: 'collector', logGroup }),
        environment: {
          SINK: 'kafka',
          MSK_CLUSTER_ARN: props.cluster.attrArn,
          KAFKA_TOPIC: props.topics.events.topicName,
          KAFKA_BAD_TOPIC: props.topics.bad.topicName,
          TRUSTED_PROXIES: '1',
          ALLOWED_ORIGINS: props.allowedOrigins,
          COOKIE_DOMAIN: props.cookieDomain,
          PARTY_COOKIE_DAYS: String(props.partyCookieDays),
          COOKIE_SECURE: String(https),
          SHUTDOWN_DELAY_MS: '2000',
          SHUTDOWN_TIMEOUT_MS: String((DRAIN_SECONDS - 5) * 1000),
          EMF_INTERVAL_MS: '60000',
        },
      },
    });
    // Fargate sends SIGKILL after stopTimeout; the collector drains within DRAIN_SECONDS - 5.
    // ECS's init process forwards signals and reaps zombies.
    const cfnTask = this.service.taskDefinition.node.defaultChild as ecs.CfnTaskDefinition;
    cfnTask.addPropertyOverride('ContainerDefinitions.0.StopTimeout', DRAIN_SECONDS);
    cfnTask.addPropertyOverride('ContainerDefinitions.0.LinuxParameters', { InitProcessEnabled: true });

    this.service.targetGroup.configureHealthCheck({
      path: '/health',
      healthyHttpCodes: '200',
      interval: Duration.seconds(10),
      timeout: Duration.seconds(5),
      healthyThresholdCount: 2,
      unhealthyThresholdCount: 2,
    });
    this.service.targetGroup.setAttribute('deregistration_delay.timeout_seconds', String(DRAIN_SECONDS));
    this.service.loadBalancer.setAttribute('idle_timeout.timeout_seconds', '60');
    this.service.loadBalancer.logAccessLogs(props.accessLogsBucket, 'alb');

    const scaling = this.service.service.autoScaleTaskCount({ minCapacity: props.minTasks, maxCapacity: props.maxTasks });
    scaling.scaleOnRequestCount('Requests', { requestsPerTarget: props.requestsPerTarget, targetGroup: this.service.targetGroup });
    scaling.scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: 60 });

    // Tasks must not start before their topics exist (auto-creation is off on the cluster).
    this.service.service.node.addDependency(props.topics.events, props.topics.bad);

    this.producerAccess(props);

    if (props.wafRateLimit > 0) this.waf(props.wafRateLimit);
    this.url = `${https ? 'https' : 'http'}://${props.domainName || this.service.loadBalancer.loadBalancerDnsName}`;
  }

  /** Exactly the kafka-cluster actions a producer needs, and the network path to the brokers. */
  private producerAccess(props: CollectorStackProps): void {
    // Producer rights: connect, describe and write the two topics (idempotently).
    const taskRole = this.service.taskDefinition.taskRole;
    taskRole.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['kafka-cluster:Connect', 'kafka-cluster:DescribeCluster'], resources: [props.cluster.attrArn] }),
    );
    taskRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData'],
        resources: [
          topicArn(this, props.cluster.attrArn, props.topics.events.topicName),
          topicArn(this, props.cluster.attrArn, props.topics.bad.topicName),
        ],
      }),
    );
    taskRole.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['kafka-cluster:WriteDataIdempotently'], resources: [props.cluster.attrArn] }),
    );
    taskRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kafka:GetBootstrapBrokers'], resources: [props.cluster.attrArn] }));
    const kafkaAccess = new ec2.CfnSecurityGroupIngress(this, 'KafkaFromCollector', {
      groupId: props.clusterSecurityGroup.securityGroupId,
      sourceSecurityGroupId: this.service.service.connections.securityGroups[0].securityGroupId,
      ipProtocol: 'tcp',
      fromPort: MSK_IAM_PORT,
      toPort: MSK_IAM_PORT,
      description: 'Collector tasks produce to MSK (IAM/TLS)',
    });
    // Tasks started before the rule exists cannot reach the brokers (they stay unhealthy until it does).
    (this.service.service.node.defaultChild as ecs.CfnService).addResourceDependency(kafkaAccess);
    if (props.searchSecurityGroup)
      new ec2.CfnSecurityGroupIngress(this, 'SearchFromCollector', {
        groupId: props.searchSecurityGroup.securityGroupId,
        sourceSecurityGroupId: this.service.service.connections.securityGroups[0].securityGroupId,
        ipProtocol: 'tcp',
        fromPort: 443,
        toPort: 443,
        description: 'Port-forwarding sessions through a collector task reach OpenSearch Dashboards',
      });
  }

  /**
   * The listener's certificate: DNS-validated in the configured Route 53 zone (which also gets
   * the alias record), or an existing one by ARN; undefined only with `allowInsecureHttp`.
   */
  private tls(
    props: CollectorStackProps,
  ): { certificate: acm.ICertificate; domainName?: string; domainZone?: route53.IHostedZone } | undefined {
    if (props.hostedZoneId) {
      const domainZone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', {
        hostedZoneId: props.hostedZoneId,
        zoneName: props.hostedZoneName,
      });
      const certificate = new acm.Certificate(this, 'Certificate', {
        domainName: props.domainName,
        validation: acm.CertificateValidation.fromDns(domainZone),
      });
      return { certificate, domainName: props.domainName, domainZone };
    }
    if (props.certificateArn) return { certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', props.certificateArn) };
    return undefined;
  }

  private waf(limit: number): void {
    const acl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'clickstream-collector', sampledRequestsEnabled: true },
      rules: [
        {
          name: 'RatePerIp',
          priority: 0,
          action: { block: {} },
          // The ALB's client is the visitor, so the source IP is the one to limit (X-Forwarded-For can be forged).
          statement: { rateBasedStatement: { limit, aggregateKeyType: 'IP' } },
          visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'clickstream-rate', sampledRequestsEnabled: true },
        },
      ],
    });
    new wafv2.CfnWebACLAssociation(this, 'WebAclAssociation', {
      resourceArn: this.service.loadBalancer.loadBalancerArn,
      webAclArn: acl.attrArn,
    });
  }
}

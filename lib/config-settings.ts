/**
 * The deployment settings (`context.clickstream` in cdk.json): every key, documented with what
 * leaving it out means, and the defaults. lib/config.ts reads and checks them.
 */

/**
 * Everything a deployment can set, under `context.clickstream` in cdk.json. Every key is
 * optional there; the `@default` is what a key left out means.
 */
export interface ClickstreamConfig {
  /**
   * Account to deploy to.
   * @default the CLI's current account
   */
  account?: string;
  /**
   * Region to deploy to.
   * @default 'eu-west-1'
   */
  region: string;
  /**
   * Three AZ names in {@link region}. Given explicitly so an environment-agnostic synth still
   * spreads MSK and OpenSearch over three AZs (CDK falls back to two otherwise).
   * @default ['eu-west-1a', 'eu-west-1b', 'eu-west-1c']
   */
  availabilityZones: string[];
  /**
   * NAT gateways: 1 is cheapest; 3 gives one per AZ for zonal resilience.
   * @default 1
   */
  natGateways: number;
  /** The Kafka cluster (Amazon MSK). */
  msk: {
    /**
     * Broker instance type: kafka.m5.* or kafka.m7g.* (t3 allows only 4 new IAM connections per second).
     * @default 'kafka.m7g.large'
     */
    instanceType: string;
    /**
     * Kafka version.
     * @default '3.8.x'
     */
    kafkaVersion: string;
    /**
     * EBS storage per broker, in GiB.
     * @default 100
     */
    brokerStorageGiB: number;
    /**
     * Partitions of the events topic: the processors' parallelism.
     * @default 3
     */
    partitions: number;
    /**
     * Hours a record stays on the topics (the window for replays and for a stalled processor to catch up).
     * @default 168
     */
    retentionHours: number;
  };
  /** The collector service (ECS Fargate behind an ALB). */
  collector: {
    /**
     * vCPU units per task (256, 512, 1024, 2048 or 4096).
     * @default 512
     */
    cpu: number;
    /**
     * Memory per task in MiB, within what Fargate allows for {@link cpu}.
     * @default 1024
     */
    memoryMiB: number;
    /**
     * Tasks always running (at least 2 for one per AZ while one is replaced).
     * @default 2
     */
    minTasks: number;
    /**
     * Upper bound of autoscaling.
     * @default 10
     */
    maxTasks: number;
    /**
     * Requests per task per minute at which autoscaling adds tasks.
     * @default 5000
     */
    requestsPerTarget: number;
    /**
     * DNS name of the collector, e.g. `collect.example.com`: the certificate's name, the tracker
     * snippet's address and, with {@link hostedZoneId}, the record created for it.
     * @default '' (the load balancer's own name; HTTPS then needs {@link certificateArn})
     */
    domainName: string;
    /**
     * A Route 53 public hosted zone that holds {@link domainName}: the stack creates the alias
     * record and a DNS-validated ACM certificate in it. Needs {@link hostedZoneName}.
     * @default '' (no record, no certificate created)
     */
    hostedZoneId: string;
    /**
     * The name of {@link hostedZoneId}, e.g. `example.com`.
     * @default ''
     */
    hostedZoneName: string;
    /**
     * An existing ACM certificate in {@link region} for the collector's name (instead of
     * {@link hostedZoneId}); point your DNS name at the load balancer yourself.
     * @default '' (none)
     */
    certificateArn: string;
    /**
     * Serve plain HTTP without a certificate. Only for trying the stack: browsers on HTTPS sites
     * block requests to an HTTP collector (mixed content) and its cookies are not `Secure`.
     * @default false (synth fails until HTTPS is configured or this is set)
     */
    allowInsecureHttp: boolean;
    /**
     * Comma-separated origins allowed to send events with the visitor's cookies, e.g.
     * `https://www.example.com,https://shop.example.com`; `*` accepts any site (an explicit opt-in).
     * @default '' (synth fails until it is set)
     */
    allowedOrigins: string;
    /**
     * Domain attribute of the id cookies, e.g. `example.com` to share them with your site.
     * @default '' (the collector's host)
     */
    cookieDomain: string;
    /**
     * Lifetime of the visitor (party) id cookie, in days, refreshed on every visit. 395 days is
     * the 13 months the CNIL allows audience-measurement cookies; Divolte keeps 730 (2 years).
     * @default 395
     */
    partyCookieDays: number;
    /**
     * Requests per 5 minutes per IP for the WAF rate rule; 0 deploys no WAF.
     * @default 2000
     */
    wafRateLimit: number;
  };
  /** The Lambda stream processors' event source mappings. */
  processing: {
    /**
     * Records per batch (the most MSK allows; a batch also stops at Lambda's 6 MB payload, about
     * 6,700 events). Each aggregator batch costs two Data API round trips and a turn at the
     * writers' lock whatever its size, so small batches cap the warehouse's rate: on the simulated
     * AWS path (`npm run bench aws-path`, 1 s per Data API call) full batches keep up with 5,000
     * events/s, 5,000-record batches with about 4,000, 1,000-record batches with about 1,100.
     * @default 10000
     */
    batchSize: number;
    /**
     * Seconds the indexer's and the archiver's mappings wait to fill a batch: raw events are
     * searchable in OpenSearch within about this time.
     * @default 1
     */
    batchWindowSeconds: number;
    /**
     * Seconds the aggregator's mapping waits to fill a batch: the freshness of the warehouse, and
     * the cost trade-off. Redshift Serverless bills at least 60 s each time it wakes, so a window
     * under about 60 s keeps it billing around the clock (base RPUs × $0.375/h ≈ $1,095 a month at
     * 4 RPUs); 300 s (the most Lambda allows) lets it sleep between batches.
     * @default 300
     */
    warehouseWindowSeconds: number;
  };
  /** The warehouse (Redshift Serverless). */
  redshift: {
    /**
     * Base capacity in RPUs (4, or a multiple of 8 from 8 to 1024): what each second of work is billed at.
     * @default 4
     */
    baseCapacityRpu: number;
    /**
     * Most RPUs the workgroup may scale to (a multiple of 8, at least the base): the cap on an hour's cost.
     * @default 32
     */
    maxCapacityRpu: number;
    /**
     * Database that holds the aggregate tables.
     * @default 'clickstream'
     */
    database: string;
  };
  /** The search domain (OpenSearch) holding raw events. */
  openSearch: {
    /**
     * Deploy the search domain and the indexer. False is the warehouse-only profile: raw events
     * are then only in the S3 archive (and the aggregates in Redshift).
     * @default true
     */
    enabled: boolean;
    /**
     * Instance type of the three data nodes (a type with encryption at rest).
     * @default 't3.medium.search'
     */
    instanceType: string;
    /**
     * EBS volume per data node, in GiB.
     * @default 20
     */
    volumeGiB: number;
    /**
     * Days a daily index is kept.
     * @default 30
     */
    retentionDays: number;
    /**
     * The sustained event rate the domain must hold for {@link retentionDays}: synth fails, naming
     * the volume or retention that would, when the three volumes cannot (a full domain turns
     * read-only and stops the indexer).
     * @default 5
     */
    expectedEventsPerSecond: number;
  };
  /** Lifecycle of the S3 archive. */
  archive: {
    /**
     * Days before objects move to S3 Standard-IA.
     * @default 30
     */
    infrequentAccessAfterDays: number;
    /**
     * Days before objects move to Glacier Instant Retrieval.
     * @default 90
     */
    glacierAfterDays: number;
    /**
     * Days before objects are deleted.
     * @default 730
     */
    expireAfterDays: number;
  };
  /**
   * What `cdk destroy` keeps: the S3 archive and access-log buckets, and a final snapshot of the
   * Redshift namespace. When false, all of it is deleted. The search domain, the Kafka cluster and
   * the network are always deleted (every raw event is in the archive).
   * @default true
   */
  keepData: boolean;
  /**
   * E-mail address subscribed to the alarm topic.
   * @default '' (nobody)
   */
  alarmEmail: string;
}

/** The defaults: a small, secure deployment. */
export const DEFAULT_CONFIG: ClickstreamConfig = {
  region: 'eu-west-1',
  availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
  natGateways: 1,
  msk: { instanceType: 'kafka.m7g.large', kafkaVersion: '3.8.x', brokerStorageGiB: 100, partitions: 3, retentionHours: 168 },
  collector: {
    cpu: 512,
    memoryMiB: 1024,
    minTasks: 2,
    maxTasks: 10,
    requestsPerTarget: 5000,
    domainName: '',
    hostedZoneId: '',
    hostedZoneName: '',
    certificateArn: '',
    allowInsecureHttp: false,
    allowedOrigins: '',
    cookieDomain: '',
    partyCookieDays: 395,
    wafRateLimit: 2000,
  },
  processing: { batchSize: 10000, batchWindowSeconds: 1, warehouseWindowSeconds: 300 },
  redshift: { baseCapacityRpu: 4, maxCapacityRpu: 32, database: 'clickstream' },
  openSearch: { enabled: true, instanceType: 't3.medium.search', volumeGiB: 20, retentionDays: 30, expectedEventsPerSecond: 5 },
  archive: { infrequentAccessAfterDays: 30, glacierAfterDays: 90, expireAfterDays: 730 },
  keepData: true,
  alarmEmail: '',
};

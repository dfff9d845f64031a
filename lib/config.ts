/**
 * The deployment configuration: one typed object read from the `clickstream` key of the cdk.json
 * context, validated once at app start with errors that name the key and the allowed values.
 * Stacks receive plain typed props and never read context themselves.
 */
import { ConfigError } from '../contract/errors';

export { ConfigError };

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
     * Requests per 5 minutes per IP for the WAF rate rule; 0 deploys no WAF.
     * @default 2000
     */
    wafRateLimit: number;
  };
  /** The Lambda stream processors' event source mappings. */
  processing: {
    /**
     * Records per batch.
     * @default 1000
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
    wafRateLimit: 2000,
  },
  processing: { batchSize: 1000, batchWindowSeconds: 1, warehouseWindowSeconds: 300 },
  redshift: { baseCapacityRpu: 4, maxCapacityRpu: 32, database: 'clickstream' },
  openSearch: { instanceType: 't3.medium.search', volumeGiB: 20, retentionDays: 30 },
  archive: { infrequentAccessAfterDays: 30, glacierAfterDays: 90, expireAfterDays: 730 },
  alarmEmail: '',
};

const SUPPORTED_KAFKA = ['3.6.0', '3.7.x', '3.8.x', '3.9.x', '3.7.x.kraft', '3.8.x.kraft', '3.9.x.kraft', '4.0.x.kraft', '4.1.x.kraft'];

type Json = Record<string, unknown>;

function merge<T>(base: T, override: unknown, path: string): T {
  if (override === undefined) return base;
  if (typeof base !== 'object' || base === null || Array.isArray(base)) return override as T;
  if (typeof override !== 'object' || override === null || Array.isArray(override)) throw new ConfigError(`${path}: must be an object`);
  const out: Json = { ...(base as Json) };
  for (const [k, v] of Object.entries(override)) {
    if (!(k in out) && k !== 'account')
      throw new ConfigError(`${path}.${k}: unknown setting; known: ${Object.keys(base as Json).join(', ')}`);
    out[k] = merge((base as Json)[k], v, `${path}.${k}`);
  }
  return out as T;
}

function int(value: unknown, key: string, min: number, max: number, multipleOf = 1): void {
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max || (value as number) % multipleOf !== 0) {
    throw new ConfigError(
      `clickstream.${key}: ${JSON.stringify(value)} must be an integer from ${min} to ${max}${multipleOf > 1 ? ` in steps of ${multipleOf}` : ''}`,
    );
  }
}

/** How browsers reach the collector: HTTPS unless explicitly refused, and only from named sites unless explicitly any. */
function collectorEndpoint(c: ClickstreamConfig['collector']): void {
  const name = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
  if (c.domainName && !name.test(c.domainName))
    throw new ConfigError(`clickstream.collector.domainName: "${c.domainName}" is not a DNS name like collect.example.com`);
  if (c.hostedZoneId || c.hostedZoneName) {
    if (!/^Z[A-Z0-9]{1,31}$/.test(c.hostedZoneId))
      throw new ConfigError(
        `clickstream.collector.hostedZoneId: "${c.hostedZoneId}" is not a Route 53 hosted zone id like Z0123456789ABCDEFGHIJ`,
      );
    if (!name.test(c.hostedZoneName))
      throw new ConfigError(`clickstream.collector.hostedZoneName: "${c.hostedZoneName}" must name the hosted zone, like example.com`);
    if (!c.domainName || !(c.domainName === c.hostedZoneName || c.domainName.endsWith(`.${c.hostedZoneName}`))) {
      throw new ConfigError(
        `clickstream.collector.domainName: "${c.domainName}" must be a name in the hosted zone ${c.hostedZoneName}, like collect.${c.hostedZoneName}`,
      );
    }
  }
  if (typeof c.allowInsecureHttp !== 'boolean')
    throw new ConfigError(`clickstream.collector.allowInsecureHttp: ${JSON.stringify(c.allowInsecureHttp)} must be true or false`);
  if (!c.certificateArn && !c.hostedZoneId && !c.allowInsecureHttp) {
    throw new ConfigError(
      'clickstream.collector: websites on HTTPS can only send events to an HTTPS collector. Set collector.domainName with collector.hostedZoneId and ' +
        'collector.hostedZoneName (a Route 53 zone: the stack creates the record and a DNS-validated certificate), or collector.certificateArn ' +
        '(an ACM certificate you have); or set collector.allowInsecureHttp to true to try the stack over plain HTTP.',
    );
  }
  if (c.allowedOrigins.trim() === '') {
    throw new ConfigError(
      'clickstream.collector.allowedOrigins: list the sites that may send events, like "https://www.example.com,https://shop.example.com", or "*" to accept any site',
    );
  }
  for (const origin of c.allowedOrigins.split(',').map((o) => o.trim())) {
    if (origin === '*') continue;
    let url: URL | undefined;
    try {
      url = new URL(origin);
    } catch {
      url = undefined;
    }
    if (url?.origin !== origin)
      throw new ConfigError(
        `clickstream.collector.allowedOrigins: "${origin}" is not an origin like https://www.example.com (scheme and host, no path)`,
      );
  }
}

/** Reads and validates the configuration from the `clickstream` context value. */
export function loadConfig(context: unknown): ClickstreamConfig {
  const c = merge(DEFAULT_CONFIG, context, 'clickstream');
  if (c.account !== undefined && !/^\d{12}$/.test(c.account))
    throw new ConfigError(`clickstream.account: "${c.account}" must be a 12-digit AWS account id`);
  if (!/^[a-z]{2}(-gov)?-[a-z]+-\d$/.test(c.region))
    throw new ConfigError(`clickstream.region: "${c.region}" is not an AWS region name like eu-west-1`);
  if (!Array.isArray(c.availabilityZones) || c.availabilityZones.length !== 3 || new Set(c.availabilityZones).size !== 3) {
    throw new ConfigError('clickstream.availabilityZones: give exactly 3 distinct AZ names (MSK and OpenSearch place one node per AZ)');
  }
  for (const az of c.availabilityZones) {
    if (!new RegExp(`^${c.region}[a-z]$`).test(az))
      throw new ConfigError(`clickstream.availabilityZones: "${az}" is not an AZ of ${c.region}`);
  }
  int(c.natGateways, 'natGateways', 1, 3);
  if (!/^kafka\.(m5|m7g)\.\w+$/.test(c.msk.instanceType)) {
    throw new ConfigError(
      `clickstream.msk.instanceType: "${c.msk.instanceType}" must be a kafka.m5.* or kafka.m7g.* type (t3 allows only 4 new IAM connections per second)`,
    );
  }
  if (!SUPPORTED_KAFKA.includes(c.msk.kafkaVersion))
    throw new ConfigError(`clickstream.msk.kafkaVersion: "${c.msk.kafkaVersion}" must be one of ${SUPPORTED_KAFKA.join(', ')}`);
  int(c.msk.brokerStorageGiB, 'msk.brokerStorageGiB', 1, 16384);
  int(c.msk.partitions, 'msk.partitions', 1, 1000);
  int(c.msk.retentionHours, 'msk.retentionHours', 1, 8760);
  const fargate: Record<number, [number, number]> = {
    256: [512, 2048],
    512: [1024, 4096],
    1024: [2048, 8192],
    2048: [4096, 16384],
    4096: [8192, 30720],
  };
  if (!fargate[c.collector.cpu])
    throw new ConfigError(`clickstream.collector.cpu: ${c.collector.cpu} must be one of ${Object.keys(fargate).join(', ')}`);
  const [lo, hi] = fargate[c.collector.cpu];
  int(c.collector.memoryMiB, 'collector.memoryMiB', lo, hi, c.collector.cpu === 256 ? 512 : 1024);
  int(c.collector.minTasks, 'collector.minTasks', 1, 100);
  int(c.collector.maxTasks, 'collector.maxTasks', c.collector.minTasks, 1000);
  int(c.collector.requestsPerTarget, 'collector.requestsPerTarget', 1, 1_000_000);
  int(c.collector.wafRateLimit, 'collector.wafRateLimit', 0, 2_000_000_000);
  if (c.collector.wafRateLimit !== 0 && c.collector.wafRateLimit < 10)
    throw new ConfigError('clickstream.collector.wafRateLimit: must be 0 (no WAF) or at least 10');
  if (c.collector.certificateArn && !/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[\w-]+$/.test(c.collector.certificateArn)) {
    throw new ConfigError(`clickstream.collector.certificateArn: "${c.collector.certificateArn}" is not an ACM certificate ARN`);
  }
  collectorEndpoint(c.collector);
  int(c.processing.batchSize, 'processing.batchSize', 1, 10000);
  int(c.processing.batchWindowSeconds, 'processing.batchWindowSeconds', 0, 300);
  int(c.processing.warehouseWindowSeconds, 'processing.warehouseWindowSeconds', 0, 300);
  if (!(
    c.redshift.baseCapacityRpu === 4 ||
    (c.redshift.baseCapacityRpu >= 8 && c.redshift.baseCapacityRpu <= 1024 && c.redshift.baseCapacityRpu % 8 === 0)
  )) {
    throw new ConfigError(
      `clickstream.redshift.baseCapacityRpu: ${c.redshift.baseCapacityRpu} must be 4, or a multiple of 8 from 8 to 1024`,
    );
  }
  int(c.redshift.maxCapacityRpu, 'redshift.maxCapacityRpu', Math.max(8, c.redshift.baseCapacityRpu), 1024, 8);
  if (!/^[a-z_][a-z0-9_$]{0,63}$/.test(c.redshift.database))
    throw new ConfigError(`clickstream.redshift.database: "${c.redshift.database}" is not a valid database name`);
  if (
    !/^[a-z0-9]+\.[a-z0-9]+\.search$/.test(c.openSearch.instanceType) ||
    c.openSearch.instanceType.startsWith('t2.') ||
    c.openSearch.instanceType === 't3.small.search'
  ) {
    throw new ConfigError(
      `clickstream.openSearch.instanceType: "${c.openSearch.instanceType}" must be a *.search type that supports encryption at rest (not t2.* or t3.small.search)`,
    );
  }
  int(c.openSearch.volumeGiB, 'openSearch.volumeGiB', 10, 16384);
  int(c.openSearch.retentionDays, 'openSearch.retentionDays', 1, 3650);
  int(c.archive.infrequentAccessAfterDays, 'archive.infrequentAccessAfterDays', 30, 36500);
  int(c.archive.glacierAfterDays, 'archive.glacierAfterDays', c.archive.infrequentAccessAfterDays + 1, 36500);
  int(c.archive.expireAfterDays, 'archive.expireAfterDays', c.archive.glacierAfterDays + 1, 36500);
  if (c.alarmEmail && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(c.alarmEmail))
    throw new ConfigError(`clickstream.alarmEmail: "${c.alarmEmail}" is not an e-mail address`);
  return c;
}

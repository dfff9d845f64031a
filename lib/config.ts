/**
 * The deployment configuration: one typed object read from the `clickstream` key of the cdk.json
 * context, validated once at app start with errors that name the key and the allowed values.
 * Stacks receive plain typed props and never read context themselves.
 */
import { ConfigError } from '../contract/errors';
import { DEFAULT_CONFIG, type ClickstreamConfig } from './config-settings';

export { ConfigError };
export { DEFAULT_CONFIG, type ClickstreamConfig } from './config-settings';

const SUPPORTED_KAFKA = ['3.6.0', '3.7.x', '3.8.x', '3.9.x', '3.7.x.kraft', '3.8.x.kraft', '3.9.x.kraft', '4.0.x.kraft', '4.1.x.kraft'];

type Json = Record<string, unknown>;

/** The defaults with the `clickstream` context value laid over them, key by key; unknown keys are refused, nothing else is checked. */
export function mergeSettings(context: unknown): ClickstreamConfig {
  return merge(DEFAULT_CONFIG, context, 'clickstream');
}

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

/**
 * Bytes one raw event takes on a node's disk, per copy: an estimate. Its document is about 1.4 KiB
 * of JSON for a tracker event (0.6 KiB for an imported log line, measured on the sample data),
 * which compression shrinks and the keyword and text indices grow again.
 */
export const SEARCH_BYTES_PER_EVENT = 1200;
/** Data nodes and copies of each index (a primary and one replica). */
const SEARCH_NODES = 3;
const SEARCH_COPIES = 2;
/** OpenSearch stops writing to a node past its flood-stage disk watermark (95 %); keep under the high one (90 %) with room. */
const SEARCH_USABLE = 0.85;

/** The sustained events per second the search domain holds for the retention period. */
export function searchCapacity(o: ClickstreamConfig['openSearch']): number {
  const usable = SEARCH_NODES * o.volumeGiB * 2 ** 30 * SEARCH_USABLE;
  return usable / SEARCH_COPIES / SEARCH_BYTES_PER_EVENT / (o.retentionDays * 86400);
}

/** The search domain must hold the expected rate for the retention period, or synth says what would. */
function searchSizing(o: ClickstreamConfig['openSearch']): void {
  const holds = searchCapacity(o);
  if (o.expectedEventsPerSecond <= holds) return;
  const volume = Math.ceil((o.volumeGiB * o.expectedEventsPerSecond) / holds);
  const days = Math.floor((o.retentionDays * holds) / o.expectedEventsPerSecond);
  throw new ConfigError(
    `clickstream.openSearch: 3 × ${o.volumeGiB} GiB holds about ${holds.toFixed(1)} events/s for ${o.retentionDays} days, not the expected ${o.expectedEventsPerSecond}; ` +
      `set openSearch.volumeGiB to at least ${volume}` +
      (days >= 1 ? ` or openSearch.retentionDays to at most ${days}` : '') +
      ', or lower openSearch.expectedEventsPerSecond',
  );
}

/** Reads and validates the configuration from the `clickstream` context value. */
export function loadConfig(context: unknown): ClickstreamConfig {
  const c = mergeSettings(context);
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
  int(c.collector.partyCookieDays, 'collector.partyCookieDays', 1, 730);
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
  if (typeof c.openSearch.expectedEventsPerSecond !== 'number' || !(c.openSearch.expectedEventsPerSecond > 0)) {
    throw new ConfigError(
      `clickstream.openSearch.expectedEventsPerSecond: ${JSON.stringify(c.openSearch.expectedEventsPerSecond)} must be a positive number`,
    );
  }
  if (typeof c.openSearch.enabled !== 'boolean')
    throw new ConfigError(`clickstream.openSearch.enabled: ${JSON.stringify(c.openSearch.enabled)} must be true or false`);
  if (c.openSearch.enabled) searchSizing(c.openSearch);
  int(c.archive.infrequentAccessAfterDays, 'archive.infrequentAccessAfterDays', 30, 36500);
  int(c.archive.glacierAfterDays, 'archive.glacierAfterDays', c.archive.infrequentAccessAfterDays + 1, 36500);
  int(c.archive.expireAfterDays, 'archive.expireAfterDays', c.archive.glacierAfterDays + 1, 36500);
  if (typeof c.keepData !== 'boolean') throw new ConfigError(`clickstream.keepData: ${JSON.stringify(c.keepData)} must be true or false`);
  if (c.alarmEmail && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(c.alarmEmail))
    throw new ConfigError(`clickstream.alarmEmail: "${c.alarmEmail}" is not an e-mail address`);
  return c;
}

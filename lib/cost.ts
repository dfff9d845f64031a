/**
 * The monthly cost of a deployment at a sustained event rate, line by line, each line computed
 * from the settings that move it. Prices are us-east-1 on-demand list prices (USD) from the AWS
 * pricing pages named beside them; other regions differ. A model, not a bill: check the pages.
 */
import type { ClickstreamConfig } from './config-settings';
import { searchCapacity } from './config';

/** The smallest volume per data node (GiB) that holds `rate` for the retention: what synth would ask for. */
function searchVolumeFor(o: ClickstreamConfig['openSearch'], rate: number): number {
  return Math.max(o.volumeGiB, Math.ceil((o.volumeGiB * rate) / searchCapacity(o)));
}

const HOURS = 730;
const MONTH_S = HOURS * 3600;

/** List prices used by the model. */
export const PRICES = {
  /** aws.amazon.com/msk/pricing: broker instance-hours. */
  mskBrokerHour: { 'kafka.m7g.large': 0.204, 'kafka.m7g.xlarge': 0.408, 'kafka.m5.large': 0.21, 'kafka.m5.xlarge': 0.42 } as Record<
    string,
    number
  >,
  /** aws.amazon.com/msk/pricing: broker storage, per GB-month. */
  mskStorageGbMonth: 0.1,
  /** aws.amazon.com/cloudwatch/pricing: one custom metric (MSK's per-partition monitoring is billed so). */
  metricMonth: 0.3,
  /** aws.amazon.com/lambda/pricing: event poller unit (provisioned MSK mode), per hour. */
  eventPollerUnitHour: 0.185,
  /** aws.amazon.com/lambda/pricing: arm64 compute, per GB-second; and per million requests. */
  lambdaGbSecond: 0.0000133334,
  lambdaMillionRequests: 0.2,
  /** aws.amazon.com/redshift/pricing (Serverless): per RPU-hour, 60 s minimum per wake-up. */
  rpuHour: 0.375,
  /** aws.amazon.com/opensearch-service/pricing: instance-hours and gp3 storage per GB-month. */
  searchInstanceHour: { 't3.medium.search': 0.073, 'm7g.large.search': 0.139, 'r7g.large.search': 0.167 } as Record<string, number>,
  searchGp3GbMonth: 0.122,
  /** aws.amazon.com/fargate/pricing: x86 per vCPU-hour and per GB-hour. */
  fargateVcpuHour: 0.04048,
  fargateGbHour: 0.004445,
  /** aws.amazon.com/elasticloadbalancing/pricing: ALB hour and LCU-hour (25 new connections/s each). */
  albHour: 0.0225,
  lcuHour: 0.008,
  /** aws.amazon.com/vpc/pricing: NAT gateway hour. */
  natHour: 0.045,
  /** aws.amazon.com/waf/pricing: web ACL, rule, per million requests. */
  wafAclMonth: 5,
  wafRuleMonth: 1,
  wafMillionRequests: 0.6,
  /** aws.amazon.com/s3/pricing: PUT per 1,000 and Standard storage per GB-month. */
  s3PutThousand: 0.005,
  s3GbMonth: 0.023,
  /** aws.amazon.com/cloudwatch/pricing: log ingestion per GB (flow logs are vended logs at the same first tier). */
  logsIngestGb: 0.5,
};

/** One line of the model. */
export interface CostLine {
  part: string;
  /** The settings that move this line. */
  settings: string;
  /** USD per month. */
  monthly: number;
}

/** Assumptions about the traffic, stated so they can be changed. */
export const TRAFFIC = {
  /** Bytes of one event as the collector writes it (JSON), and gzip-compressed in the archive. */
  eventBytes: 1400,
  archivedBytes: 300,
  /**
   * Seconds an aggregator batch waits on the Data API and S3 (the simulated AWS path at 1 s per
   * Data API call: about 3 s for a small batch, 4 s for a full one), an indexer bulk request,
   * an archiver put.
   */
  aggregatorSeconds: 4,
  indexerSeconds: 0.3,
  archiverSeconds: 0.2,
  /** Requests one collector task of 0.5 vCPU serves at half its measured peak. */
  requestsPerTaskSecond: 2500,
  /** Flow-log bytes per collector request (the connection records of ALB, tasks and brokers). */
  flowLogBytesPerRequest: 150,
};

const price = (table: Record<string, number>, key: string, setting: string) => {
  const p = table[key];
  if (p === undefined) throw new Error(`no list price in the cost model for ${setting} "${key}"`);
  return p;
};

/** Batches a processor runs per second: a full batch or a window's end, whichever comes first, per partition. */
function batchesPerSecond(rate: number, batchSize: number, windowSeconds: number, partitions: number): number {
  const perPartition = rate / partitions;
  const every = Math.min(Math.max(windowSeconds, 0.1), perPartition > 0 ? batchSize / perPartition : Infinity);
  return partitions / every;
}

/** The monthly cost of each part at `rate` events per second, sustained. */
export function costModel(c: ClickstreamConfig, rate: number): CostLine[] {
  const { msk, processing: p, redshift, openSearch, collector } = c;
  const events = rate * MONTH_S;
  const aggregatorBatches = batchesPerSecond(rate, p.batchSize, p.warehouseWindowSeconds, msk.partitions);
  const fastBatches = batchesPerSecond(rate, p.batchSize, p.batchWindowSeconds, msk.partitions);
  const search = openSearch.enabled;
  // Provisioned mappings: aggregator, archiver and (with search) indexer on the events topic, one
  // poller per partition at most; the archiver's on the bad topic. The replay topic's mappings are
  // on-demand (no poller units) but their consumer groups report lag like the others.
  const eventMappings = search ? 3 : 2;
  const pollers = eventMappings * msk.partitions + 1;
  const consumerGroupPartitions = pollers + (search ? 2 : 1);
  const lambdaSeconds =
    (aggregatorBatches * TRAFFIC.aggregatorSeconds + fastBatches * ((search ? TRAFFIC.indexerSeconds : 0) + TRAFFIC.archiverSeconds)) *
    MONTH_S;
  const invocations = (aggregatorBatches + (eventMappings - 1) * fastBatches) * MONTH_S;
  // Redshift wakes for each aggregator batch and bills at least 60 s; the partitions' writers are not aligned.
  const awake = Math.min(1, aggregatorBatches * Math.max(60, TRAFFIC.aggregatorSeconds));
  const tasks = Math.max(collector.minTasks, Math.ceil(rate / TRAFFIC.requestsPerTaskSecond));
  const lines: CostLine[] = [
    {
      part: 'MSK brokers',
      settings: 'msk.instanceType',
      monthly: 3 * price(PRICES.mskBrokerHour, msk.instanceType, 'msk.instanceType') * HOURS,
    },
    { part: 'MSK storage', settings: 'msk.brokerStorageGiB', monthly: 3 * msk.brokerStorageGiB * PRICES.mskStorageGbMonth },
    // Per-topic-per-partition monitoring: about four lag metrics per consumer group and partition.
    { part: 'MSK partition metrics', settings: 'msk.partitions', monthly: 4 * consumerGroupPartitions * PRICES.metricMonth },
    {
      part: 'Lambda event pollers',
      settings: 'msk.partitions',
      monthly: Math.ceil(pollers / 10) * PRICES.eventPollerUnitHour * HOURS,
    },
    {
      part: 'Lambda compute',
      settings: 'processing.*',
      monthly: lambdaSeconds * PRICES.lambdaGbSecond + (invocations / 1e6) * PRICES.lambdaMillionRequests,
    },
    {
      part: 'Redshift Serverless',
      settings: 'processing.warehouseWindowSeconds, redshift.baseCapacityRpu',
      monthly: awake * redshift.baseCapacityRpu * PRICES.rpuHour * HOURS,
    },
    {
      part: 'OpenSearch (volumes sized for the rate)',
      settings: 'openSearch.instanceType, volumeGiB, retentionDays',
      monthly: search
        ? 3 *
          (price(PRICES.searchInstanceHour, openSearch.instanceType, 'openSearch.instanceType') * HOURS +
            searchVolumeFor(openSearch, rate) * PRICES.searchGp3GbMonth)
        : 0,
    },
    {
      part: 'Collector (Fargate)',
      settings: 'collector.cpu, memoryMiB, minTasks',
      monthly: tasks * ((collector.cpu / 1024) * PRICES.fargateVcpuHour + (collector.memoryMiB / 1024) * PRICES.fargateGbHour) * HOURS,
    },
    { part: 'Load balancer', settings: '(traffic)', monthly: (PRICES.albHour + Math.max(1, rate / 25) * PRICES.lcuHour) * HOURS },
    { part: 'NAT gateways', settings: 'natGateways', monthly: c.natGateways * PRICES.natHour * HOURS },
    {
      part: 'WAF',
      settings: 'collector.wafRateLimit',
      monthly: collector.wafRateLimit > 0 ? PRICES.wafAclMonth + PRICES.wafRuleMonth + (events / 1e6) * PRICES.wafMillionRequests : 0,
    },
    {
      // The archiver's puts, and the aggregator's two staged objects per batch (expired within a day).
      part: 'S3 archive (requests, first month of storage)',
      settings: 'processing.batchWindowSeconds',
      monthly:
        (((fastBatches + 2 * aggregatorBatches) * MONTH_S) / 1000) * PRICES.s3PutThousand +
        ((events * TRAFFIC.archivedBytes) / 2 ** 30) * PRICES.s3GbMonth,
    },
    { part: 'VPC flow logs', settings: '(traffic)', monthly: ((events * TRAFFIC.flowLogBytesPerRequest) / 2 ** 30) * PRICES.logsIngestGb },
  ];
  return lines.map((l) => ({ ...l, monthly: Math.round(l.monthly) }));
}

/** The model at several rates as a Markdown table (the README's cost table). */
export function costTable(c: ClickstreamConfig, rates: readonly number[]): string {
  const models = rates.map((r) => costModel(c, r));
  const header = `| Part | Moved by | ${rates.map((r) => `${r} events/s`).join(' | ')} |`;
  const rule = `|---|---|${rates.map(() => '---:').join('|')}|`;
  const rows = models[0].map(
    (l, i) => `| ${l.part} | \`${l.settings}\` | ${models.map((m) => `$${m[i].monthly.toLocaleString('en-US')}`).join(' | ')} |`,
  );
  const totals = `| **Total** | | ${models.map((m) => `**$${m.reduce((n, l) => n + l.monthly, 0).toLocaleString('en-US')}**`).join(' | ')} |`;
  return [header, rule, ...rows, totals].join('\n');
}

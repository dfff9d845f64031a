/**
 * One run of the AWS path, simulated: a PostgreSQL server with the Data API stand-in in front,
 * the migrations applied through it, the bundled aggregator Lambda invoked by the event source
 * mapping's pollers, and a producer filling the topic. Reports what a user and a bill care about.
 */
import type { ClickEvent } from '../contract';
import { DataApiExecutor } from '../warehouse/data-api';
import { migrate } from '../warehouse/migrations';
import { RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { bundleLambda, loadAggregator, SIMULATED_ARCHIVE } from './bundle';
import { TEST_CREDENTIALS } from './credentials';
import { startDataApi, type DataApiStats } from './data-api-server';
import { runMapping, TopicLog, type MappingSettings, type MappingStats } from './event-source-mapping';
import { watchFreshness, type Visibility } from './freshness-watch';
import { INSTANT, type DataApiModel } from './model';
import { startPostgres, type PostgresServer } from './postgres';
import { startS3, type S3StandIn } from './s3-server';

/** What one run measured. */
export interface AwsPathReport {
  events: number;
  /** Events written but never made visible (a run stopped by `drainMs`). */
  undelivered: number;
  /** From the first write to the last event visible. */
  elapsedMs: number;
  /**
   * Events made visible per second while the producer wrote, after a warm-up of a quarter of
   * that time (between the first and last batch made visible then): about the offered rate when
   * the path keeps up, its capacity when it falls behind.
   */
  sustainedPerSecond: number;
  /**
   * True when the backlog did not grow: every event was delivered, and those written in the
   * last fifth of the run became visible about as fast (p50 within 1.5 × + 1 s) as those written
   * in the second fifth.
   */
  keptUp: boolean;
  /** Freshness of every event (written → visible in the aggregate tables), sorted, ms. */
  freshnessMs: number[];
  /** Most events written but not yet visible at any watch tick. */
  maxLag: number;
  /** What the warehouse holds at the end: events counted in traffic_hourly, raw rows and distinct ids in `events`. */
  counted: { aggregated: number; raw: number; rawIds: number };
  api: DataApiStats;
  /** Objects the aggregator staged in S3 for COPY, and their bytes. */
  s3: S3StandIn['stats'];
  mapping: MappingStats;
}

/** A run: the model the stand-in follows, the mapping's batching, and a producer that fills the log and ends it. */
export interface AwsPathRun {
  model: Partial<DataApiModel>;
  mapping: MappingSettings;
  produce: (log: TopicLog) => Promise<void>;
  /** Looks at the warehouse before it is removed (tests compare its tables). */
  inspect?: (warehouse: DataApiExecutor, pg: PostgresServer) => Promise<void>;
  /** Stop delivering this long after the producer ended, leaving the rest undelivered (default: deliver everything). */
  drainMs?: number;
  /** The aggregator bundle; built once per process when left out. */
  bundle?: string;
}

let built: string | undefined;

/** Runs the simulation end to end; everything it started is stopped before it returns. */
export async function simulateAwsPath(run: AwsPathRun): Promise<AwsPathReport> {
  const bundle = run.bundle ?? (built ??= bundleLambda('aggregator'));
  const pg = await startPostgres();
  const s3 = await startS3();
  // Migrations go through the stand-in too, before the model's latency and faults apply.
  const model: DataApiModel = { ...INSTANT };
  const api = await startDataApi(pg, model, { objects: s3.objects, roleArn: SIMULATED_ARCHIVE.copyRoleArn });
  const client = new RedshiftDataClient({ endpoint: api.endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS });
  const warehouse = new DataApiExecutor(client, { workgroupName: 'clickstream', database: pg.database }, { pollMs: 5, maxPollMs: 50 });
  try {
    await migrate(warehouse, 'redshift');
    Object.assign(model, run.model);
    api.resetStats();
    const handler = loadAggregator(bundle, { dataApi: api.endpoint, s3: s3.endpoint }, pg.database);
    const log = new TopicLog('clickstream', 3);
    const watch = await watchFreshness(pg, log);
    let maxLag = 0;
    const lagTimer = setInterval(() => (maxLag = Math.max(maxLag, watch.lag())), 100);
    const start = Date.now();
    let halt: NodeJS.Timeout | undefined;
    const produced = run.produce(log).then(() => {
      if (run.drainMs !== undefined) halt = setTimeout(() => (log.halted = true), run.drainMs);
    });
    const [mapping] = await Promise.all([runMapping(log, handler, run.mapping), produced]);
    clearTimeout(halt);
    const seen = await watch.stop();
    clearInterval(lagTimer);
    const from = start + (log.endedAt - start) / 4;
    const report = {
      events: log.size,
      undelivered: log.size - seen.length,
      keptUp: seen.length === log.size && keptUp(seen, start, log.endedAt),
      elapsedMs: Date.now() - start,
      sustainedPerSecond: visibleRate(seen, from, log.endedAt),
      freshnessMs: seen.map((v) => v.freshnessMs).sort((a, b) => a - b),
      maxLag,
      api: structuredClone(api.stats),
      s3: { ...s3.stats },
      mapping,
    };
    Object.assign(model, INSTANT);
    const [[traffic], [raw]] = await Promise.all([
      warehouse.query('SELECT COALESCE(SUM(events), 0) AS n FROM traffic_hourly'),
      warehouse.query('SELECT COUNT(*) AS n, COUNT(DISTINCT event_id) AS ids FROM events'),
    ]);
    const counted = { aggregated: Number(traffic.n), raw: Number(raw.n), rawIds: Number(raw.ids) };
    await run.inspect?.(warehouse, pg);
    return { ...report, counted };
  } finally {
    await warehouse.close();
    await api.close();
    await s3.close();
    await pg.stop();
  }
}

/**
 * Events made visible per second between `from` and `to`. Events become visible a batch at a
 * time, so the rate is taken between the first and the last batch seen in the window, counting
 * the batches after the first: a fixed window would gain or lose a whole batch at each end.
 */
function visibleRate(seen: readonly Visibility[], from: number, to: number): number {
  const times = seen.map((v) => v.visibleAt).filter((t) => t >= from && t <= to);
  if (times.length === 0) return 0;
  const first = times.reduce((a, b) => Math.min(a, b));
  const last = times.reduce((a, b) => Math.max(a, b));
  const after = times.filter((t) => t > first).length;
  return last > first ? (after / (last - first)) * 1000 : 0;
}

function keptUp(seen: readonly Visibility[], start: number, end: number): boolean {
  const fifth = (end - start) / 5;
  const p50Written = (from: number, to: number) =>
    quantile(
      seen
        .filter((v) => v.visibleAt - v.freshnessMs >= from && v.visibleAt - v.freshnessMs < to)
        .map((v) => v.freshnessMs)
        .sort((a, b) => a - b),
      0.5,
    );
  return p50Written(end - fifth, end) <= 1.5 * p50Written(start + fifth, start + 2 * fifth) + 1000;
}

/** Writes `events` to the log at `rate` events/s in 50 ms steps, then ends it. */
export async function produceAt(log: TopicLog, events: readonly ClickEvent[], rate: number): Promise<void> {
  const step = Math.max(1, Math.round(rate / 20));
  const start = Date.now();
  for (let i = 0; i < events.length; i += step) {
    log.append(events.slice(i, i + step));
    const due = start + ((i + step) / rate) * 1000;
    await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
  }
  log.end();
}

/** The value at quantile `q` of sorted samples. */
export function quantile(sorted: readonly number[], q: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

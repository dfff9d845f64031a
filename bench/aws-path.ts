/**
 * The AWS path, simulated (simulation/): the bundled aggregator Lambda, invoked as the MSK event
 * source mapping invokes it on three partitions, writing through the Redshift Data API stand-in
 * to a real PostgreSQL server, at modeled Data API latencies and batch settings, with throttling
 * and serialization conflicts injected, its rows COPYed from an S3 stand-in. Each setting runs
 * for a minute (long enough for a backlog to show) at the target rate; one that falls behind
 * runs again at 80 % of what it sustained, for the freshness it gives when it keeps up. At the
 * end of each run the warehouse's counts are checked against the events delivered.
 * Targets at 1 s per call: ≥ 5,000 events/s sustained, freshness p95 ≤ 15 s, nothing lost or
 * counted twice.
 */
import { produceAt, quantile, simulateAwsPath, type AwsPathReport } from '../simulation/aws-path';
import type { MappingSettings } from '../simulation/event-source-mapping';
import { seededRandom } from '../simulation/model';
import type { ClickEvent } from '../contract';
import { distinctCopies, streamsetsEvents } from '../test/support/datasets';

/** Offered load and how long it lasts. */
const RATE = Number(process.env.AWS_PATH_RATE ?? 5000);
const SECONDS = Number(process.env.AWS_PATH_SECONDS ?? 60);
const LATENCIES_S = (process.env.AWS_PATH_LATENCIES ?? '0.2,1,3').split(',').map(Number);
/** Added execution time per KiB of SQL, and per KiB of rows a COPY loads: model parameters (simulation/model.ts), not Redshift measurements. */
const MS_PER_KIB = Number(process.env.AWS_PATH_MS_PER_KIB ?? 0.5);
const COPY_MS_PER_KIB = Number(process.env.AWS_PATH_COPY_MS_PER_KIB ?? 0.1);
const SETTINGS = (process.env.AWS_PATH_BATCHES ?? '1000/1,5000/5,10000/10').split(',').map((s): MappingSettings => {
  const [size, window] = s.split('/').map(Number);
  return { batchSize: size, windowMs: window * 1000 };
});

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const s1 = (ms: number) => (ms / 1000).toFixed(1);

function run(latencyS: number, mapping: MappingSettings, events: readonly ClickEvent[], rate: number): Promise<AwsPathReport> {
  return simulateAwsPath({
    model: {
      latencyMs: latencyS * 1000,
      msPerKiB: MS_PER_KIB,
      copyMsPerKiB: COPY_MS_PER_KIB,
      callMs: 10,
      throttleRate: 0.02,
      conflictRate: 0.05,
      random: seededRandom(42),
    },
    mapping,
    produce: (log) => produceAt(log, events.slice(0, rate * SECONDS), rate),
    drainMs: 20_000,
  });
}

function describe(r: AwsPathReport, rate: number): string {
  const sustained = Math.round(r.sustainedPerSecond);
  const keeps = r.keptUp ? 'keeps up' : 'falls behind';
  return `${rate} offered, ${sustained} events/s sustained (${keeps}); freshness p50 ${s1(quantile(r.freshnessMs, 0.5))} s, p95 ${s1(quantile(r.freshnessMs, 0.95))} s${r.undelivered > 0 ? ` of those delivered (${r.undelivered} still behind 20 s after the load stopped)` : ''}`;
}

function costs(r: AwsPathReport): string {
  const delivered = r.events - r.undelivered;
  const per1k = (n: number) => ((n / delivered) * 1000).toFixed(1);
  const calls = Object.values(r.api.calls).reduce((a, b) => a + b, 0);
  return [
    `per 1,000 events ${per1k(calls)} API calls (${per1k(r.api.batches)} BatchExecuteStatement, ${per1k(r.api.calls.ExecuteStatement ?? 0)} ExecuteStatement), ${(((r.api.sqlBytes / delivered) * 1000) / 1024).toFixed(0)} KiB of SQL, ${per1k(r.s3.puts)} S3 puts of ${(((r.s3.bytes / delivered) * 1000) / 1024).toFixed(0)} KiB`,
    `${Math.round(mean(r.mapping.batchSizes))} records and ${s1(mean(r.mapping.invocationMs))} s per invocation`,
    `conflicts ${r.api.realConflicts} real + ${r.api.injectedConflicts} injected, ${r.api.throttled} calls throttled, ${r.mapping.failedInvocations} invocations retried`,
    `counted ${r.counted.aggregated} events in traffic_hourly and ${r.counted.raw} raw rows (${r.counted.rawIds} ids) for ${delivered} delivered`,
    `PostgreSQL's own time ${(((r.api.executionMs / delivered) * 1000) / 1000).toFixed(2)} s per 1,000 events; warehouse busy ${Math.round((100 * r.api.busyMs) / r.elapsedMs)} % of the run`,
  ].join('; ');
}

export async function benchAwsPath(): Promise<void> {
  const base = streamsetsEvents();
  const events = distinctCopies(base, Math.ceil((RATE * SECONDS) / base.length));
  console.log('\n## AWS path (simulated)');
  console.log(
    `model               : ${SECONDS} s of the StreamSets sample (distinct copies) on 3 partitions; per Data API statement the latency below + ${MS_PER_KIB} ms per KiB of SQL + ${COPY_MS_PER_KIB} ms per KiB a COPY loads; 10 ms per call; 2 % of calls throttled, 5 % of writes aborted as conflicts (simulation/model.ts)`,
  );
  for (const latency of LATENCIES_S)
    for (const mapping of SETTINGS) {
      const label = `${latency} s/call, batch ${mapping.batchSize}/${mapping.windowMs / 1000} s`.padEnd(28);
      const r = await run(latency, mapping, events, RATE);
      console.log(`${label}: ${describe(r, RATE)}`);
      console.log(`${' '.repeat(28)}  ${costs(r)}`);
      if (r.keptUp) continue;
      const lower = Math.max(100, Math.floor((0.8 * r.sustainedPerSecond) / 100) * 100);
      console.log(`${' '.repeat(28)}  at ${lower} events/s: ${describe(await run(latency, mapping, events, lower), lower)}`);
    }
}

/**
 * The AWS path, simulated (simulation/): the bundled aggregator Lambda, invoked as the MSK event
 * source mapping invokes it on three partitions, writing through the Redshift Data API stand-in
 * to a real PostgreSQL server, at modeled Data API latencies and batch settings, with throttling
 * and serialization conflicts injected. Targets at 1 s per call: ≥ 5,000 events/s sustained,
 * freshness p95 ≤ 15 s, nothing lost or counted twice.
 */
import { produceAt, quantile, simulateAwsPath } from '../simulation/aws-path';
import { seededRandom } from '../simulation/model';
import { distinctCopies, streamsetsEvents } from '../test/support/datasets';

/** Offered load and how long it lasts. */
const RATE = Number(process.env.AWS_PATH_RATE ?? 5000);
const SECONDS = Number(process.env.AWS_PATH_SECONDS ?? 30);
const LATENCIES_S = (process.env.AWS_PATH_LATENCIES ?? '0.2,1,3').split(',').map(Number);
/** Added execution time per KiB of SQL: a model parameter (simulation/model.ts), not a Redshift measurement. */
const MS_PER_KIB = Number(process.env.AWS_PATH_MS_PER_KIB ?? 0.5);
const SETTINGS = (process.env.AWS_PATH_BATCHES ?? '1000/1,5000/5,10000/10').split(',').map((s) => {
  const [size, window] = s.split('/').map(Number);
  return { batchSize: size, windowMs: window * 1000 };
});

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

export async function benchAwsPath(): Promise<void> {
  const base = streamsetsEvents();
  const events = distinctCopies(base, Math.ceil((RATE * SECONDS) / base.length)).slice(0, RATE * SECONDS);
  console.log('\n## AWS path (simulated)');
  console.log(
    `load                : ${RATE} events/s for ${SECONDS} s (StreamSets sample, distinct copies) on 3 partitions; 2 % of calls throttled, 5 % of transactions aborted as conflicts; ${MS_PER_KIB} ms per KiB of SQL; 10 ms per call round trip`,
  );
  for (const latency of LATENCIES_S)
    for (const mapping of SETTINGS) {
      const r = await simulateAwsPath({
        model: {
          latencyMs: latency * 1000,
          msPerKiB: MS_PER_KIB,
          callMs: 10,
          throttleRate: 0.02,
          conflictRate: 0.05,
          random: seededRandom(42),
        },
        mapping,
        produce: (log) => produceAt(log, events, RATE),
      });
      const per1k = (n: number) => ((n / r.events) * 1000).toFixed(1);
      const calls = Object.values(r.api.calls).reduce((a, b) => a + b, 0);
      const sustained = Math.round((r.events / r.elapsedMs) * 1000);
      console.log(
        `${latency} s/call, batch ${mapping.batchSize}/${mapping.windowMs / 1000} s: ${sustained} events/s, freshness p50 ${(quantile(r.freshnessMs, 0.5) / 1000).toFixed(1)} s p95 ${(quantile(r.freshnessMs, 0.95) / 1000).toFixed(1)} s, max lag ${r.maxLag}; per 1,000 events ${per1k(calls)} API calls (${per1k(r.api.batches)} transactions, ${per1k(r.api.calls.ExecuteStatement ?? 0)} queries), ${(((r.api.sqlBytes / r.events) * 1000) / 1024).toFixed(0)} KiB SQL; conflicts ${r.api.realConflicts} real + ${r.api.injectedConflicts} injected, ${r.api.throttled} throttled, ${r.mapping.failedInvocations} invocations retried; ${Math.round(mean(r.mapping.batchSizes))} records and ${(mean(r.mapping.invocationMs) / 1000).toFixed(1)} s per invocation; PostgreSQL's own time ${(((r.api.executionMs / r.events) * 1000) / 1000).toFixed(2)} s per 1,000 events; warehouse busy ${Math.round((100 * r.api.busyMs) / r.elapsedMs)} % of the run`,
      );
    }
}

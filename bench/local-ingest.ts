/**
 * Local mode under sustained load: autocannon against `clickstream start` (collector, durable
 * log and the processors on one machine) and against a bare Node http server in the same
 * run. The processors keep working while the load runs; how far behind they are when it stops,
 * and how long they take to catch up, say whether they keep up. The CPU each request cost, by
 * thread and in the load generator, shows where the machine's cores went: a rate is bounded by
 * the cores divided by the CPU time one request costs them all.
 */
import { availableParallelism } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundle, load, spawn, type Run } from './collector';

const ROOT = join(__dirname, '..');

/** The records a consumer has yet to process. */
async function lag(url: string, consumer: string): Promise<number> {
  const status = (await (await fetch(`${url}/api/status`)).json()) as { consumers: { name: string; lag: number }[] };
  return status.consumers.find((c) => c.name === consumer)!.lag;
}

/** Where one request's CPU time went, and the rate this machine's cores allow at that cost. */
function budget(run: Run): string {
  const total = run.cpuUs + run.otherThreadsCpuUs + run.generatorCpuUs;
  return `${run.cpuUs.toFixed(1)} µs main thread + ${run.otherThreadsCpuUs.toFixed(1)} µs other threads + ${run.generatorCpuUs.toFixed(1)} µs load generator = ${total.toFixed(1)} µs: at most ${Math.round((availableParallelism() * 1e6) / total)} req/s on ${availableParallelism()} cores`;
}

export async function benchLocalIngest(seconds = 8): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cs-bench-local-'));
  try {
    const bare = await spawn(await bundle('bench/bare-server.ts', dir), { PORT: '8391' });
    const baseline = await load(8391, bare.pid!, { duration: seconds });
    bare.kill();
    const local = await spawn(join(ROOT, 'bin/clickstream.js'), { TRUSTED_PROXIES: '1', PORT: '8392' }, [
      'start',
      '--data-dir',
      join(dir, 'data'),
      '--port',
      '8392',
    ]);
    const url = 'http://127.0.0.1:8392';
    try {
      const run = await load(8392, local.pid!, { duration: seconds });
      // The aggregator is the one that must keep up; the archiver gathers records for up to a second by design.
      const behind = await lag(url, 'aggregator');
      const t0 = Date.now();
      while ((await lag(url, 'aggregator')) > 0) await new Promise((r) => setTimeout(r, 100));
      const drain = (Date.now() - t0) / 1000;
      const rate = run.result.requests.average;
      console.log('\n## Local mode: sustained ingest');
      console.log(
        `collector with consumers: ${Math.round(rate)} req/s against ${Math.round(baseline.result.requests.average)} for a bare http server (${(rate / baseline.result.requests.average).toFixed(2)}×; target ≥ 0.25×)`,
      );
      console.log(
        `aggregator               : ${behind} events behind when the load stopped, caught up ${drain.toFixed(1)} s later (${Math.round(run.result.requests.total / (seconds + drain))} events/s processed)`,
      );
      console.log(`CPU per request          : local mode ${budget(run)}`);
      console.log(`                           bare server ${budget(baseline)}`);
    } finally {
      local.kill('SIGTERM');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

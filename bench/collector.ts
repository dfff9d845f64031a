/**
 * Collector throughput and latency: autocannon against the real collector (full enrichment,
 * local durable sink with synchronous writes) and against a bare Node http server answering the
 * same pixel, in the same run. Both run as esbuild bundles in their own process, as the
 * container image runs the collector (collector/Dockerfile).
 */
import autocannon from 'autocannon';
import { build, type Plugin } from 'esbuild';
import { spawn as spawnProcess, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTracker } from '../tracker/build';

const ROOT = join(__dirname, '..');
const PIXEL =
  '/p.gif?e=pageView&url=' +
  encodeURIComponent('https://shop.example.com/product/tea-42?utm_source=newsletter&utm_medium=email&utm_campaign=winter') +
  '&r=' +
  encodeURIComponent('https://www.google.com/search?q=tea') +
  '&t=Green%20tea&sw=1920&sh=1080&vw=1280&vh=720&lang=en-GB&tz=Europe%2FLondon';
const HEADERS = {
  'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'x-forwarded-for': '81.2.69.160',
  cookie: 'cs_pid=0:mhx3k2:QmVuY2htYXJrUGFydHlJZDEyMzQ1Njc4; cs_sid=0:mhx3k2:QmVuY2htYXJrU2Vzc2lvbjEyMzQ1Njc4',
};

/** Bundles an entry point the way the collector image does. */
export async function bundle(entry: string, dir: string, name = entry, plugins: Plugin[] = []): Promise<string> {
  const outfile = join(dir, name.replace(/\W+/g, '-') + '.js');
  await build({
    entryPoints: [join(ROOT, entry)],
    bundle: true,
    platform: 'node',
    target: 'node22',
    external: ['geoip-country'],
    outfile,
    logLevel: 'error',
    plugins,
  });
  return outfile;
}

/**
 * The collector without its per-event work: the ingest path gets enrichment that passes the
 * client fields through and a contract whose validation accepts and whose encoding returns a
 * fixed record (bench/plumbing). What is left is routing, query parsing, ids and cookies, the
 * hand-off, the durable log and the response: the floor under the full collector's figure.
 */
const plumbingOnly: Plugin = {
  name: 'plumbing-only',
  setup(esbuild) {
    const substitutes: Record<string, string> = { '../enrich': 'enrich.ts', '../contract': 'contract.ts' };
    const replaced = new Set<string>();
    esbuild.onResolve({ filter: /^\.\.\/(enrich|contract)$/ }, (args) => {
      if (args.importer !== join(ROOT, 'collector/ingest.ts')) return undefined;
      replaced.add(args.path);
      return { path: join(ROOT, 'bench/plumbing', substitutes[args.path]) };
    });
    // If ingest.ts stops importing them by these paths, this figure would silently be the full collector.
    esbuild.onEnd(() => {
      if (replaced.size !== 2) throw new Error('plumbing-only bundle: collector/ingest.ts no longer imports ../enrich and ../contract');
    });
  },
};

export async function spawn(file: string, env: Record<string, string>, args: string[] = []): Promise<ChildProcess> {
  const child = spawnProcess(process.execPath, [file, ...args], {
    env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules'), ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${env.PORT}/health`;
  for (let i = 0; i < 200; i++) {
    if (
      await fetch(url).then(
        () => true,
        () => false,
      )
    )
      return child;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error(`${file} did not start`);
}

function rssPeakMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/** CPU seconds (user + system) from a /proc stat file; Linux counts in 1/100 s. */
function statCpu(file: string): number {
  const stat = readFileSync(file, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** CPU seconds a process's main thread has used. */
const mainThreadCpu = (pid: number) => statCpu(`/proc/${pid}/task/${pid}/stat`);

/** CPU seconds a process has used, all its threads together. */
const processCpu = (pid: number) => statCpu(`/proc/${pid}/stat`);

/** A load run, with CPU time per answered request: the server's main thread, its other threads, and the load generator (this process). */
export interface Run {
  result: autocannon.Result;
  cpuUs: number;
  otherThreadsCpuUs: number;
  generatorCpuUs: number;
}

export async function load(port: number, pid: number, options: Partial<autocannon.Options>): Promise<Run> {
  const before = { main: mainThreadCpu(pid), all: processCpu(pid), generator: process.cpuUsage() };
  const result = await autocannon({
    url: `http://127.0.0.1:${port}${PIXEL}`,
    headers: HEADERS,
    connections: 100,
    duration: 8,
    pipelining: 1,
    ...options,
  });
  const perRequest = (seconds: number) => (seconds * 1e6) / Math.max(1, result.requests.total);
  const main = mainThreadCpu(pid) - before.main;
  const generator = process.cpuUsage(before.generator);
  return {
    result,
    cpuUs: perRequest(main),
    otherThreadsCpuUs: perRequest(processCpu(pid) - before.all - main),
    generatorCpuUs: perRequest((generator.user + generator.system) / 1e6),
  };
}

const ROUNDS = 3;

/** The run with the median throughput. */
function median(runs: Run[]): Run {
  return [...runs].sort((a, b) => a.result.requests.average - b.result.requests.average)[runs.length >> 1];
}

/** Runs the comparison and prints it. */
export async function benchCollector(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cs-bench-'));
  const env = {
    HOST: '127.0.0.1',
    SINK: 'local',
    TRUSTED_PROXIES: '1',
    COOKIE_SECURE: 'false',
    TRACKER_SCRIPT: buildTracker(join(dir, 'clickstream.min.js')),
  };
  const files = await Promise.all([
    bundle('bench/bare-server.ts', dir),
    bundle('collector/main.ts', dir),
    bundle('collector/main.ts', dir, 'plumbing', [plumbingOnly]),
  ]);
  const servers: ChildProcess[] = [];
  try {
    const ports = [8391, 8392, 8393];
    servers.push(await spawn(files[0], { PORT: '8391' }));
    servers.push(await spawn(files[1], { ...env, PORT: '8392', LOCAL_LOG_DIR: join(dir, 'log') }));
    servers.push(await spawn(files[2], { ...env, PORT: '8393', LOCAL_LOG_DIR: join(dir, 'plumbing-log') }));
    const collector = servers[1];
    for (let i = 0; i < servers.length; i++) await load(ports[i], servers[i].pid!, { duration: 2 });
    // Three alternating rounds, the median of each: this shared machine varies a lot between runs.
    const runs: Run[][] = servers.map(() => []);
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < servers.length; i++) runs[i].push(await load(ports[i], servers[i].pid!, {}));
    }
    const [bases, fulls, floors] = runs;
    const base = median(bases).result;
    const full = median(fulls).result;
    const floor = median(floors).result;
    // Steady arrivals from 10 connections: latency under load, not queueing behind 100-request bursts.
    const half = (await load(8392, collector.pid!, { overallRate: Math.round(full.requests.average / 2), connections: 10, duration: 8 }))
      .result;
    const non2xx = fulls.reduce((n, r) => n + r.result.non2xx, half.non2xx);
    // CPU per request varies far less between runs than throughput does on a shared machine.
    const cpu = (rs: Run[]) => rs.map((r) => r.cpuUs).sort((a, b) => a - b)[rs.length >> 1];
    const rates = (rs: Run[]) => rs.map((r) => r.result.requests.average.toFixed(0)).join(', ');
    const ratio = (r: autocannon.Result) => (r.requests.average / base.requests.average).toFixed(2);
    console.log('\n## Collector (GET /p.gif, full enrichment, local durable sink with synchronous writes)');
    console.log(
      `bare node http      : ${base.requests.average.toFixed(0)} req/s, p50 ${base.latency.p50} ms, p99 ${base.latency.p99} ms (median of ${rates(bases)})`,
    );
    console.log(
      `collector (peak)    : ${full.requests.average.toFixed(0)} req/s, p50 ${full.latency.p50} ms, p99 ${full.latency.p99} ms (median of ${rates(fulls)})`,
    );
    console.log(`collector (50% rate): ${half.requests.average.toFixed(0)} req/s, p50 ${half.latency.p50} ms, p99 ${half.latency.p99} ms`);
    console.log(`ratio collector/bare: ${ratio(full)} (a regression guard: 0.33–0.40 before; the 0.5 target is retired)`);
    console.log(
      `plumbing only       : ${floor.requests.average.toFixed(0)} req/s, ratio ${ratio(floor)} (no enrichment, validation or encoding; median of ${rates(floors)})`,
    );
    console.log(
      `main-thread CPU     : ${cpu(bases).toFixed(1)} µs per request bare, ${cpu(fulls).toFixed(1)} µs collector (ratio ${(cpu(bases) / cpu(fulls)).toFixed(2)}), ${cpu(floors).toFixed(1)} µs plumbing only`,
    );
    console.log(`collector peak RSS  : ${rssPeakMb(collector.pid!).toFixed(0)} MB (target ≤ 200 MB); non-2xx answers: ${non2xx}`);
  } finally {
    // SIGTERM drains the collectors' logs before they exit.
    await Promise.all(servers.map((child) => new Promise((exited) => child.once('exit', exited).kill('SIGTERM'))));
    rmSync(dir, { recursive: true, force: true });
  }
}

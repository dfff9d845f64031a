/**
 * End-to-end freshness in local mode: from sending an event to the collector to the moment a
 * query on the aggregate tables sees it, idle (target p95 ≤ 2 s) and while another process
 * sends 2,000 events/s to the same collector (target p95 ≤ 1 s).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { startLocal } from '../local/mode';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Sends `rate` pixel requests per second to `url` from a separate process until killed. */
function backgroundLoad(url: string, rate: number): ChildProcess {
  return spawn(
    process.execPath,
    [
      require.resolve('autocannon/autocannon.js'),
      '-R',
      String(rate),
      '-c',
      '20',
      '-d',
      '600',
      '-H',
      'user-agent=Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0',
      `${url}/p.gif?url=https%3A%2F%2Fshop.example.com%2Fload`,
    ],
    { stdio: 'ignore' },
  );
}

export async function benchFreshness(samples = 40, loadRate = 0): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cs-fresh-'));
  const local = await startLocal({ dataDir: dir, port: 0, log: quiet });
  const times: number[] = [];
  const load = loadRate > 0 ? backgroundLoad(local.url, loadRate) : undefined;
  const loadStart = performance.now();
  let loadSeen = 0;
  if (load) await new Promise((r) => setTimeout(r, 3000)); // the load reaches its rate
  try {
    for (let i = 0; i < samples; i++) {
      const sessionId = `0:fresh:${randomUUID()}`;
      const event = {
        eventId: randomUUID(),
        eventType: 'pageView',
        partyId: '0:fresh:p',
        sessionId,
        page: { url: 'https://shop.example.com/fresh' },
      };
      // Timed from before sending: the client shares this process's event loop with local mode,
      // so the moment it sees the 2xx can lag the collector's acceptance. This is an upper bound.
      const sent = performance.now();
      const res = await fetch(`${local.url}/collect`, { method: 'POST', body: JSON.stringify([event]) });
      if (!res.ok) throw new Error(`collector answered ${res.status}`);
      for (;;) {
        const [row] = await local.db.query(`SELECT COUNT(*) AS n FROM sessions WHERE session_id = '${sessionId}'`);
        if (Number(row.n) === 1) break;
        await new Promise((r) => setTimeout(r, 5));
      }
      times.push(performance.now() - sent);
      await new Promise((r) => setTimeout(r, 50));
    }
    if (load) {
      let received = 0;
      for (let p = 0; p < local.log.partitionCount(local.topics.events); p++) received += local.log.highWatermark(local.topics.events, p);
      loadSeen = received / ((performance.now() - loadStart) / 1000);
    }
  } finally {
    load?.kill();
    await local.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  times.sort((a, b) => a - b);
  const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))].toFixed(0);
  if (loadRate === 0) console.log('\n## End-to-end freshness (local mode: event sent → visible in the sessions table)');
  console.log(
    loadRate > 0
      ? `under ${loadRate} events/s (${Math.round(loadSeen)} arrived per second): p50 ${q(0.5)} ms, p95 ${q(0.95)} ms over ${samples} events (target p95 ≤ 1000 ms)`
      : `idle: p50 ${q(0.5)} ms, p95 ${q(0.95)} ms over ${samples} events (target p95 ≤ 2000 ms)`,
  );
}

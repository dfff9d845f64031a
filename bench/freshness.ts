/**
 * End-to-end freshness in local mode: from sending an event to the collector to the moment a
 * query on the aggregate tables sees it. Target p95 ≤ 2 s.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocal } from '../local/mode';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

export async function benchFreshness(samples = 40): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cs-fresh-'));
  const local = await startLocal({ dataDir: dir, port: 0, log: quiet });
  const times: number[] = [];
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
  } finally {
    await local.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  times.sort((a, b) => a - b);
  const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))].toFixed(0);
  console.log('\n## End-to-end freshness (local mode: event sent → visible in the sessions table)');
  console.log(`p50 ${q(0.5)} ms, p95 ${q(0.95)} ms over ${samples} events (target p95 ≤ 2000 ms)`);
}

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeEvent } from '../../contract';
import { DurableLog } from '../../durable-log/log';
import { trackerEvent } from '../support/collector';

const root = join(__dirname, '../..');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

describe('collector process', () => {
  it('on SIGTERM mid-load goes unhealthy first, drains, exits 0, and keeps every event it answered 2xx exactly once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cs-sigterm-'));
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'collector/main.ts'], {
      cwd: root,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        SINK: 'local',
        LOCAL_LOG_DIR: dir,
        SHUTDOWN_DELAY_MS: '300',
        SHUTDOWN_TIMEOUT_MS: '5000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const url = `http://127.0.0.1:${port}`;
    try {
      for (let i = 0; i < 100; i++) {
        if (
          await fetch(`${url}/health`).then(
            (r) => r.ok,
            () => false,
          )
        )
          break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const answered = new Map<string, number | string>();
      const healthDuringDrain: number[] = [];
      let running = true;
      const worker = async () => {
        while (running) {
          const id = crypto.randomUUID();
          try {
            const res = await fetch(`${url}/collect`, {
              method: 'POST',
              body: JSON.stringify([trackerEvent({ eventId: id, sessionId: `s-${id.slice(0, 3)}` })]),
            });
            await res.arrayBuffer();
            answered.set(id, res.status);
          } catch {
            answered.set(id, 'connection failed');
            await new Promise((r) => setTimeout(r, 20));
          }
        }
      };
      const workers = Array.from({ length: 8 }, worker);
      await new Promise((r) => setTimeout(r, 400));
      child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 100));
      healthDuringDrain.push(
        await fetch(`${url}/health`).then(
          (r) => r.status,
          () => 0,
        ),
      );
      expect(await exited).toBe(0);
      running = false;
      await Promise.all(workers);

      expect(healthDuringDrain).toEqual([503]);
      const ok = [...answered].filter(([, s]) => s === 200).map(([id]) => id);
      expect(ok.length).toBeGreaterThan(50);

      const log = await DurableLog.open(dir, { clickstream: 3, 'clickstream-bad': 1 });
      const stored = new Map<string, number>();
      for (let p = 0; p < 3; p++) {
        for (const r of await log.read('clickstream', p, 0, 1_000_000)) {
          const d = decodeEvent(r.value);
          if (d.ok) stored.set(d.event.eventId, (stored.get(d.event.eventId) ?? 0) + 1);
        }
      }
      await log.close();
      expect(ok.filter((id) => stored.get(id) !== 1)).toEqual([]);
      expect([...stored.values()].every((n) => n === 1)).toBe(true);
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DurableLog } from '../../durable-log/log';
import { buildSync } from 'esbuild';
import { buildTracker } from '../../tracker/build';
import { freePort, ROOT } from '../support/cli';

/**
 * The container runs an esbuild bundle of collector/main.ts, not the TypeScript sources. Docker
 * is not available here, so this builds the bundle the way collector/Dockerfile does and runs it.
 */
describe('collector image entry point', () => {
  it('the bundle starts, serves the tracker and health, and enriches with the external GeoIP package', async () => {
    const dockerfile = readFileSync(join(ROOT, 'collector/Dockerfile'), 'utf8');
    expect(dockerfile).toContain('npx esbuild collector/main.ts --bundle --platform=node --target=node22 --external:geoip-country');
    const dir = mkdtempSync(join(tmpdir(), 'cs-image-'));
    const port = await freePort();
    buildSync({
      entryPoints: [join(ROOT, 'collector/main.ts')],
      bundle: true,
      platform: 'node',
      target: 'node20',
      external: ['geoip-country'],
      outfile: join(dir, 'collector.js'),
      logLevel: 'error',
    });
    const child = spawn(process.execPath, [join(dir, 'collector.js')], {
      env: {
        ...process.env,
        NODE_PATH: join(ROOT, 'node_modules'),
        PORT: String(port),
        HOST: '127.0.0.1',
        SINK: 'local',
        LOCAL_LOG_DIR: join(dir, 'log'),
        TRUSTED_PROXIES: '1',
        COOKIE_SECURE: 'false',
        TRACKER_SCRIPT: buildTracker(),
        SHUTDOWN_DELAY_MS: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      const url = `http://127.0.0.1:${port}`;
      for (
        let i = 0;
        i < 100 &&
        !(await fetch(`${url}/health`).then(
          (r) => r.ok,
          () => false,
        ));
        i++
      )
        await new Promise((r) => setTimeout(r, 100));
      expect((await fetch(`${url}/health`)).status).toBe(200);
      expect((await fetch(`${url}/clickstream.js`)).headers.get('content-type')).toBe('application/javascript; charset=utf-8');
      const res = await fetch(`${url}/collect`, {
        method: 'POST',
        headers: { 'X-Forwarded-For': '81.2.69.160' },
        body: JSON.stringify([{ eventType: 'pageView', partyId: 'p', sessionId: 's', page: { url: 'https://a.example/' } }]),
      });
      expect(await res.json()).toEqual({ accepted: 1, rejected: [] });
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      const log = await DurableLog.open(join(dir, 'log'), { clickstream: 3 });
      const values = (await Promise.all([0, 1, 2].map((p) => log.read('clickstream', p, 0, 100)))).flat().map((r) => r.value.toString());
      await log.close();
      expect(values.join('\n')).toContain('"network":{"ip":"81.2.69.0","country":"GB"}');
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { announce, runningInstance } from '../../cli/instance';

describe('finding a running local mode', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cs-instance-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('ignores and removes the file a kill -9 left, even when its pid now belongs to another process', async () => {
    // This test's own pid is alive, as a reused pid would be; nothing answers at the URL.
    writeFileSync(join(dir, 'local.json'), JSON.stringify({ pid: process.pid, url: 'http://127.0.0.1:9' }));
    expect(await runningInstance(dir)).toBeUndefined();
    expect(existsSync(join(dir, 'local.json'))).toBe(false);
    writeFileSync(join(dir, 'local.json'), JSON.stringify({ pid: 2 ** 22 + 7, url: 'http://127.0.0.1:9' }));
    expect(await runningInstance(dir)).toBeUndefined();
  });

  it('finds the instance that answers at its URL', async () => {
    const server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const forget = announce(dir, url);
    try {
      expect(await runningInstance(dir)).toBe(url);
    } finally {
      forget();
      await new Promise((r) => server.close(r));
    }
  });
});

/**
 * New data folders start from the cached empty cluster instead of running initdb in the process
 * that opens them; when no template can be cached, initdb runs as before.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate } from '../../warehouse/migrations';
import { PgliteExecutor } from '../../warehouse/pglite';
import { emptyClusterTemplate, templateDir } from '../../warehouse/pglite-template';

describe('the empty cluster template', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cs-template-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is made once, in a child process, then read from the cache', async () => {
    const cache = join(dir, 'cache');
    const first = await emptyClusterTemplate(cache);
    expect(first).toBeInstanceOf(Blob);
    const [file] = readdirSync(cache);
    expect(file).toMatch(/^pglite-\d+\.\d+\.\d+-empty\.tar\.gz$/);
    const made = statSync(join(cache, file)).mtimeMs;
    const again = await emptyClusterTemplate(cache);
    expect(again!.size).toBe(first!.size);
    expect(statSync(join(cache, file)).mtimeMs).toBe(made);
    expect(readdirSync(cache)).toEqual([file]); // no partial file left behind
  }, 120_000);

  it('opens a new data folder as a working warehouse', async () => {
    const folder = join(dir, 'warehouse');
    const db = await PgliteExecutor.open(folder);
    await migrate(db, 'postgres');
    await db.transaction([
      "INSERT INTO stream_offsets (topic, kafka_partition, next_offset, updated_at) VALUES ('t', 0, 7, CURRENT_TIMESTAMP)",
    ]);
    await db.close();
    expect(existsSync(join(folder, 'PG_VERSION'))).toBe(true);
    const reopened = await PgliteExecutor.open(folder);
    expect((await reopened.query('SELECT next_offset FROM stream_offsets')).map((r) => Number(r.next_offset))).toEqual([7]);
    await reopened.close();
  }, 120_000);

  it('is not made where no cache can be written, and caches under XDG_CACHE_HOME', async () => {
    const notADir = join(dir, 'file');
    writeFileSync(notADir, '');
    expect(await emptyClusterTemplate(join(notADir, 'cache'))).toBeUndefined();
    expect(templateDir({ XDG_CACHE_HOME: '/x/cache', HOME: '/home/u' })).toBe('/x/cache/clickstream-stack');
  });
});

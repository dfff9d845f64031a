/**
 * New local warehouses start from a template instead of running initdb. PGlite's initdb holds a
 * second Postgres instance, initdb itself and the new cluster's files in memory at once (about
 * 850 MB at its peak, against about 400 MB to open a cluster), and a process does not get that
 * memory back. So the empty cluster (about 4.5 MB gzipped) is made once per PGlite version and
 * machine, in a child process that then exits, and cached; every new data folder loads it.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Where the templates are cached: `$XDG_CACHE_HOME/clickstream-stack`, else `~/.cache/clickstream-stack`. */
export function templateDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'clickstream-stack');
}

/** The installed PGlite's version: a template is only loaded by the PGlite that made it. */
async function pgliteVersion(): Promise<string> {
  const pkg = join(dirname(require.resolve('@electric-sql/pglite')), '..', 'package.json');
  return (JSON.parse(await readFile(pkg, 'utf8')) as { version: string }).version;
}

/**
 * The empty cluster as a gzipped tarball for `PGlite.create({ loadDataDir })`, made on first
 * use; undefined when it cannot be made or cached (the caller then runs initdb in-process).
 */
export async function emptyClusterTemplate(dir = templateDir()): Promise<Blob | undefined> {
  const file = join(dir, `pglite-${await pgliteVersion()}-empty.tar.gz`);
  try {
    return new Blob([await readFile(file)]);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return undefined;
  }
  // Made beside its final name and renamed over it, so a concurrent maker or a crash leaves no half file.
  const partial = `${file}.${process.pid}.partial`;
  try {
    await mkdir(dir, { recursive: true });
    await run(process.execPath, [join(__dirname, 'pglite-template-maker.js'), partial]);
    await rename(partial, file);
    return new Blob([await readFile(file)]);
  } catch {
    await rm(partial, { force: true });
    return undefined;
  }
}

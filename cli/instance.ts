/** Finding a running local mode through the file it leaves in its data folder. */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const FILE = 'local.json';

/** Records that local mode runs in this process at `url`. */
export function announce(dataDir: string, url: string): () => void {
  const path = join(dataDir, FILE);
  writeFileSync(path, JSON.stringify({ pid: process.pid, url }));
  return () => rmSync(path, { force: true });
}

/**
 * The URL of the local mode running on this data folder, or undefined when none is. The file
 * alone proves nothing after a kill -9 (its pid may belong to another process by now), so the
 * URL must answer too; a stale file is removed.
 */
export async function runningInstance(dataDir: string): Promise<string | undefined> {
  const path = join(dataDir, FILE);
  let url: string;
  try {
    const found = JSON.parse(readFileSync(path, 'utf8')) as { pid: number; url: string };
    process.kill(found.pid, 0);
    url = found.url;
  } catch {
    rmSync(path, { force: true });
    return undefined;
  }
  try {
    await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
    return url;
  } catch {
    rmSync(path, { force: true });
    return undefined;
  }
}

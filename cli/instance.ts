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

/** The URL of the local mode running on this data folder, or undefined when none is. */
export function runningInstance(dataDir: string): string | undefined {
  try {
    const { pid, url } = JSON.parse(readFileSync(join(dataDir, FILE), 'utf8')) as { pid: number; url: string };
    process.kill(pid, 0);
    return url;
  } catch {
    return undefined;
  }
}

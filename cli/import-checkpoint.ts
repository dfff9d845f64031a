/**
 * How far an import of one file got, kept in the data folder: importing the same file again
 * (after an interruption, or by mistake) appends only the events not appended before, so the
 * log and the archive hold each line once. The warehouse would count a repeat once anyway
 * (event ids are stable per line); this keeps the copies out of the archive as well.
 *
 * A file is the same when its path, size, modification time and import options are: a file that
 * changed is imported afresh (its repeated lines still counted once). The checkpoint moves when
 * an append is acknowledged, so a request that running local mode appended but whose answer an
 * interruption cut off is appended again: at most one request's events twice in the archive.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** What an import has appended so far. */
export interface ImportCheckpoint {
  /** Events of the file appended by earlier runs (0 for a new file). */
  appended: number;
  /** Records that the file's first `events` events are appended. */
  save(events: number): Promise<void>;
}

/** The checkpoint of importing `file` with `options` into `dataDir`. */
export async function importCheckpoint(dataDir: string, file: string, options: object): Promise<ImportCheckpoint> {
  const path = resolve(file);
  const { size, mtimeMs } = await stat(path);
  const key = createHash('sha256').update(JSON.stringify({ path, size, mtimeMs, options })).digest('hex').slice(0, 32);
  const dir = join(dataDir, 'imports');
  const at = join(dir, `${key}.json`);
  const appended = await readFile(at, 'utf8').then(
    (text) => Number((JSON.parse(text) as { events?: unknown }).events) || 0,
    () => 0,
  );
  return {
    appended,
    save: async (events) => {
      await mkdir(dir, { recursive: true });
      // Written aside and renamed, so an interruption leaves the previous checkpoint, never half of one.
      await writeFile(`${at}.tmp`, JSON.stringify({ file: path, events }));
      await rename(`${at}.tmp`, at);
    },
  };
}

import { openData } from '../../local/mode';
import type { PgliteExecutor } from '../../warehouse/pglite';
import { clickstream } from './cli';
import { DATASETS } from './datasets';

/** The public Apache log. */
export const APACHE = `${DATASETS}/elastic-apache-logs/apache_logs`;

/** Reads a data folder's warehouse while no local mode runs, closing it after. */
export async function withData<T>(dir: string, read: (db: PgliteExecutor) => Promise<T>): Promise<T> {
  const { db, log } = await openData(dir);
  try {
    return await read(db);
  } finally {
    await log.close();
    await db.close();
  }
}

/** `clickstream import` of the public Apache log into `dir`, as its site. */
export function importApache(dir: string) {
  return clickstream(['import', APACHE, '--format', 'apache-combined', '--site', 'http://www.semicomplete.com', '--data-dir', dir]);
}

/**
 * `clickstream import`: converts a file to contract events and sends them through the local
 * pipeline: to the running local mode when there is one, else straight into the data folder's
 * log, with the processors run until they caught up. Event ids are stable per file line, so
 * importing again (after an interruption) counts nothing twice.
 */
import { SingleBar } from 'cli-progress';
import { join } from 'node:path';
import ora from 'ora';
import type { ClickEvent } from '../../contract';
import { folderStore } from '../../lambda/shared/object-store';
import { LogConsumer } from '../../local/consumer';
import { appendEvents, openData } from '../../local/mode';
import { localProcessors } from '../../local/processors';
import { readImport, type ImportFormat } from '../importers';
import { runningInstance } from '../instance';

export interface ImportCommandOptions {
  format: ImportFormat;
  dataDir: string;
  site: string;
  time?: string;
  anonymiseIp?: boolean;
}

const CHUNK = 2000;

function progress(total: number, label: string): SingleBar {
  const bar = new SingleBar({
    format: `${label} [{bar}] {percentage}% | {value}/{total} events`,
    stream: process.stderr,
    noTTYOutput: false,
    hideCursor: true,
  });
  bar.start(total, 0);
  return bar;
}

async function toInstance(url: string, events: ClickEvent[]): Promise<void> {
  const bar = progress(events.length, `importing into ${url}`);
  try {
    for (let i = 0; i < events.length; i += CHUNK) {
      let res: Response;
      try {
        res = await fetch(`${url}/api/import`, {
          method: 'POST',
          body: JSON.stringify(events.slice(i, i + CHUNK)),
          headers: { 'Content-Type': 'application/json' },
        });
      } catch (err) {
        throw new Error(
          `local mode at ${url} stopped answering after ${i} events (${(err as Error).message}); start it again and repeat the import: nothing will be counted twice`,
          { cause: err },
        );
      }
      if (!res.ok) throw new Error(`local mode refused the import: ${((await res.json()) as { error?: string }).error ?? res.status}`);
      bar.update(Math.min(events.length, i + CHUNK));
    }
  } finally {
    bar.stop();
  }
}

async function toDataFolder(dataDir: string, events: ClickEvent[]): Promise<void> {
  const { log, db, topics } = await openData(dataDir);
  const consumers = localProcessors(db, topics, folderStore(join(dataDir, 'archive'))).map(
    (p) => new LogConsumer(log, p, join(dataDir, 'offsets', `${p.name}.json`)),
  );
  try {
    const bar = progress(events.length, 'writing to the log');
    for (let i = 0; i < events.length; i += CHUNK) {
      await appendEvents(log, topics, events.slice(i, i + CHUNK));
      bar.update(Math.min(events.length, i + CHUNK));
    }
    bar.stop();
    const spinner = ora({ text: 'processing', stream: process.stderr, isSilent: !process.stderr.isTTY }).start();
    for (const c of consumers) while (await c.poll());
    spinner.stop();
  } finally {
    await log.close();
    await db.close();
  }
}

export async function importFile(file: string, o: ImportCommandOptions): Promise<void> {
  let time: Date | undefined;
  if (o.time !== undefined) {
    time = new Date(o.time);
    if (Number.isNaN(time.getTime())) throw new Error(`--time "${o.time}" is not an ISO date or time`);
  }
  const { events, errors } = await readImport(file, { format: o.format, time, site: o.site, anonymiseIp: o.anonymiseIp });
  if (events.length === 0) throw new Error(`${file}: no importable rows${errors.length ? ` (first problem: ${errors[0]})` : ''}`);
  for (const e of errors.slice(0, 5)) process.stderr.write(`skipped ${e}\n`);
  if (errors.length > 5) process.stderr.write(`… and ${errors.length - 5} more skipped rows\n`);
  const url = await runningInstance(o.dataDir);
  if (url) await toInstance(url, events);
  else await toDataFolder(o.dataDir, events);
  process.stdout.write(`imported ${events.length} events from ${file}${errors.length ? `, skipped ${errors.length} rows` : ''}\n`);
}

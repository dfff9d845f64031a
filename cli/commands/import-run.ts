/**
 * The work of `clickstream import`, in its thread (import-thread.ts): converts a file to
 * contract events and sends them through the local pipeline, as it reads: to the running local
 * mode when there is one, else straight into the data folder's log, with the processors working
 * on the other core (in the warehouse worker thread, as local mode runs them) a bounded distance
 * behind. Memory stays that of a chunk whatever the file's size. Event ids are stable per file
 * line, so importing again (after an interruption) counts nothing twice; and the data folder
 * remembers how far an import got (import-checkpoint.ts), so importing again appends only what
 * was not appended before.
 */
import type { ClickEvent } from '../../contract';
import { appendEvents, keptUp, startPipeline } from '../../local/pipeline';
import { importCheckpoint } from '../import-checkpoint';
import { IMPORT_CHUNK, importChunks, type ImportFormat } from '../importers';
import { runningInstance } from '../instance';

/** The import's options, as the command line gives them. */
export interface ImportCommandOptions {
  format: ImportFormat;
  dataDir: string;
  site: string;
  time?: string;
  anonymiseIp?: boolean;
}

/** Events per request to a running local mode (its import endpoint takes up to 8 MiB). */
const REQUEST_EVENTS = 2000;

/** Where the chunks go: a running local mode, or the data folder with its processors. */
interface Destination {
  /** Appends `events` in order, calling `appended` with how many are durably in the log after each append. */
  write(events: ClickEvent[], appended: (count: number) => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

function toInstance(url: string): Destination {
  let sent = 0;
  return {
    async write(events, appended) {
      for (let i = 0; i < events.length; i += REQUEST_EVENTS) {
        let res: Response;
        try {
          res = await fetch(`${url}/api/import`, {
            method: 'POST',
            body: JSON.stringify(events.slice(i, i + REQUEST_EVENTS)),
            headers: { 'Content-Type': 'application/json' },
          });
        } catch (err) {
          throw new Error(
            `local mode at ${url} stopped answering after ${sent} events (${(err as Error).message}); start it again and repeat the import: nothing will be counted twice`,
            { cause: err },
          );
        }
        if (!res.ok) throw new Error(`local mode refused the import: ${((await res.json()) as { error?: string }).error ?? res.status}`);
        sent += Math.min(REQUEST_EVENTS, events.length - i);
        await appended(Math.min(i + REQUEST_EVENTS, events.length));
      }
    },
    close: async () => undefined,
  };
}

/**
 * How far the processors may trail the import: far enough that converting and processing overlap
 * on the two cores, near enough that the progress bar tells how far the import really is.
 */
const MAX_LAG = 4 * IMPORT_CHUNK;

async function toDataFolder(dataDir: string): Promise<Destination> {
  const pipeline = await startPipeline(dataDir, () => undefined);
  const { log, topics, consumers } = pipeline;
  const caughtUp = (lag: number) =>
    keptUp(consumers, lag).catch((err: Error) => {
      throw new Error(`${err.message}; what was read is safe in the log: run the same import again to finish it`, { cause: err });
    });
  return {
    async write(events, appended) {
      await appendEvents(log, topics, events);
      await appended(events.length);
      await caughtUp(MAX_LAG);
    },
    async close() {
      try {
        await caughtUp(0);
      } finally {
        await pipeline.stop();
      }
    },
  };
}

/** How far an import has got, told as it goes. */
export interface ImportProgress {
  /** The file's size, once the first chunk is read and the destination opened. */
  started(totalBytes: number): void;
  /** Bytes of the file read and events converted so far. */
  progressed(bytesRead: number, events: number): void;
}

/** What an import did. */
export interface ImportSummary {
  /** Events the file holds. */
  events: number;
  /** Of them, those an earlier run had appended. */
  appendedBefore: number;
  /** Rows that could not be converted. */
  skipped: number;
  /** The first few of those rows' problems. */
  firstErrors: string[];
}

/** Imports `file` into the data folder (or the local mode running on it), telling `progress` as it goes. */
export async function runImport(file: string, o: ImportCommandOptions, progress: ImportProgress): Promise<ImportSummary> {
  let time: Date | undefined;
  if (o.time !== undefined) {
    time = new Date(o.time);
    if (Number.isNaN(time.getTime())) throw new Error(`--time "${o.time}" is not an ISO date or time`);
  }
  // The first chunk is read before anything is opened: a missing file or a wrong format leaves no
  // data folder behind. Only the last chunk can hold no events, so an empty first one means nothing to import.
  const chunks = importChunks(file, { format: o.format, time, site: o.site, anonymiseIp: o.anonymiseIp });
  let next = await chunks.next();
  if (next.done || next.value.events.length === 0) {
    const first = next.done ? undefined : next.value.errors[0];
    throw new Error(`${file}: no importable rows${first ? ` (first problem: ${first})` : ''}`);
  }
  const checkpoint = await importCheckpoint(o.dataDir, file, { format: o.format, site: o.site, time: o.time, anonymiseIp: o.anonymiseIp });
  const url = await runningInstance(o.dataDir);
  const destination = url ? toInstance(url) : await toDataFolder(o.dataDir);
  let events = 0;
  let skipped = 0;
  const firstErrors: string[] = [];
  try {
    progress.started(next.value.totalBytes);
    for (; !next.done; next = await chunks.next()) {
      const chunk = next.value;
      skipped += chunk.errors.length;
      firstErrors.push(...chunk.errors.slice(0, 5 - firstErrors.length));
      // Events an earlier run appended are passed over: the file's events come in the same order each time.
      const fresh = chunk.events.slice(Math.max(0, checkpoint.appended - events));
      const from = events + chunk.events.length - fresh.length;
      if (fresh.length > 0) await destination.write(fresh, (count) => checkpoint.save(from + count));
      events += chunk.events.length;
      progress.progressed(chunk.bytesRead, events);
    }
  } finally {
    await destination.close();
  }
  return { events, appendedBefore: Math.min(events, checkpoint.appended), skipped, firstErrors };
}

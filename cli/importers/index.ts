/**
 * Reading an import file in one of the supported formats into contract events, as a stream:
 * the file is read and converted in bounded chunks, so a log of millions of lines takes the
 * memory of one chunk (plus, for Apache logs, the reordering window and the visitors active in
 * the last 30 minutes of log time).
 */
import { parse } from 'csv-parse';
import { createReadStream, type ReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { validateEvent, type ClickEvent } from '../../contract';
import { ApacheSessions } from './apache';
import { checkSnowplowColumns, SNOWPLOW_CSV, snowplowRows } from './snowplow-csv';
import { streamsetsHeader, streamsetsRow } from './streamsets';
import type { ImportContext, RowResult } from './types';

export const FORMATS = ['streamsets-csv', 'apache-combined', 'snowplow-csv'] as const;
export type ImportFormat = (typeof FORMATS)[number];

/** Options of one import. */
export interface ImportOptions {
  format: ImportFormat;
  /** Time stamp for rows without one (StreamSets); default now. */
  time?: Date;
  /** Site URL for logs that only hold paths (Apache). */
  site?: string;
  anonymiseIp?: boolean;
}

/** Valid events of a file, and the rows that could not be imported with their reasons. */
export interface ImportData {
  events: ClickEvent[];
  errors: string[];
}

/** One chunk of an import, with how far through the file it is. */
export interface ImportChunk extends ImportData {
  bytesRead: number;
  totalBytes: number;
}

/** Events per chunk: big enough for bulk appends, small enough that memory stays flat. */
export const IMPORT_CHUNK = 5000;

/** Apache lines looked at before deciding the file is not an Apache log at all. */
const SNIFF_LINES = 100;

/** The rows of a file as they are read. */
async function* rowsOf(file: string, input: ReadStream, options: ImportOptions, ctx: ImportContext): AsyncGenerator<RowResult> {
  if (options.format === 'snowplow-csv') {
    const convert = snowplowRows();
    let line = 1;
    for await (const record of input.pipe(parse(SNOWPLOW_CSV)) as AsyncIterable<Record<string, string>>) {
      if (++line === 2) checkSnowplowColumns(record);
      yield convert(record, line);
    }
    return;
  }
  const lines = createInterface({ input, crlfDelay: Infinity });
  let n = 0;
  if (options.format === 'streamsets-csv') {
    let header: string[] | undefined;
    for await (const text of lines) {
      n++;
      if (!header) header = streamsetsHeader(text);
      else if (text.trim()) yield streamsetsRow(header, text, n, ctx);
    }
    return;
  }
  const sessions = new ApacheSessions({ ...ctx, site: options.site ?? 'http://localhost', anonymiseIp: options.anonymiseIp });
  let good = 0;
  let firstError: string | undefined;
  for await (const text of lines) {
    for (const r of sessions.push(text, ++n)) {
      if ('error' in r) firstError ??= r.error;
      else good++;
      yield r;
    }
    if (n === SNIFF_LINES && good === 0 && firstError && sessions.holding === 0)
      throw new Error(`${file} is not an Apache combined log: ${firstError}`);
  }
  const rest = sessions.flush();
  if (good === 0 && rest.length === 0 && firstError) throw new Error(`${file} is not an Apache combined log: ${firstError}`);
  yield* rest;
}

/** Reads and converts a file in chunks of about `chunkSize` events; throws one-line errors for unreadable files and wrong formats. */
export async function* importChunks(file: string, options: ImportOptions, chunkSize = IMPORT_CHUNK): AsyncGenerator<ImportChunk> {
  let totalBytes: number;
  try {
    totalBytes = (await stat(file)).size;
  } catch (err) {
    throw new Error(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
  const ctx = { fileId: `${basename(file)}:${totalBytes}`, time: options.time ?? new Date() };
  const input = createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 });
  let chunk: ImportData = { events: [], errors: [] };
  try {
    for await (const r of rowsOf(file, input, options, ctx)) {
      if ('error' in r) chunk.errors.push(r.error);
      else {
        const checked = validateEvent(r.event);
        if (checked.ok) chunk.events.push(checked.event);
        else chunk.errors.push(`event ${r.event.eventId}: ${checked.reason}`);
      }
      if (chunk.events.length >= chunkSize) {
        yield { ...chunk, bytesRead: input.bytesRead, totalBytes };
        chunk = { events: [], errors: [] };
      }
    }
  } finally {
    input.destroy();
  }
  yield { ...chunk, bytesRead: totalBytes, totalBytes };
}

/** Reads a whole (small) file at once: every event and every error. */
export async function readImport(file: string, options: ImportOptions): Promise<ImportData> {
  const out: ImportData = { events: [], errors: [] };
  for await (const c of importChunks(file, options)) {
    out.events.push(...c.events);
    out.errors.push(...c.errors);
  }
  return out;
}

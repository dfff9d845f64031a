/** Reading an import file in one of the supported formats into contract events. */
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { validateEvent, type ClickEvent } from '../../contract';
import { apacheEvents } from './apache';
import { snowplowCsvEvents } from './snowplow-csv';
import { streamsetsHeader, streamsetsRow } from './streamsets';

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

/** Reads and converts a file; throws one-line errors for unreadable files and wrong formats. */
export async function readImport(file: string, options: ImportOptions): Promise<ImportData> {
  let text: string;
  let size: number;
  try {
    text = await readFile(file, 'utf8');
    size = (await stat(file)).size;
  } catch (err) {
    throw new Error(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
  const ctx = { fileId: `${basename(file)}:${size}`, time: options.time ?? new Date() };
  const lines = text.split(/\r?\n/);
  let rows;
  switch (options.format) {
    case 'streamsets-csv': {
      const header = streamsetsHeader(lines[0] ?? '');
      rows = lines.slice(1).flatMap((line, i) => (line.trim() ? [streamsetsRow(header, line, i + 2, ctx)] : []));
      break;
    }
    case 'apache-combined':
      rows = apacheEvents(lines, { ...ctx, site: options.site ?? 'http://localhost', anonymiseIp: options.anonymiseIp });
      if (rows.length > 0 && rows.every((r) => 'error' in r))
        throw new Error(`${file} is not an Apache combined log: ${(rows[0] as { error: string }).error}`);
      break;
    case 'snowplow-csv':
      rows = snowplowCsvEvents(text);
      break;
  }
  const out: ImportData = { events: [], errors: [] };
  for (const r of rows) {
    if ('error' in r) {
      out.errors.push(r.error);
      continue;
    }
    const checked = validateEvent(r.event);
    if (checked.ok) out.events.push(checked.event);
    else out.errors.push(`event ${r.event.eventId}: ${checked.reason}`);
  }
  return out;
}

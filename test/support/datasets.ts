import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClickEvent } from '../../contract';
import { streamsetsHeader, streamsetsRow } from '../../cli/importers/streamsets';

export const DATASETS = join(__dirname, '../../../shared/datasets');
export const STREAMSETS_CSV = join(DATASETS, 'streamsets-clickstream-schematic-log/Schematic_Log.csv');

/** The StreamSets rows as plain records, read independently of the importer. */
export function streamsetsRecords(): Record<string, string>[] {
  const [head, ...lines] = readFileSync(STREAMSETS_CSV, 'utf8').replace(/^\uFEFF/, '').split('\r\n').filter(Boolean);
  const names = head.split(',').map((h) => h.trim());
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [names[i], v])));
}

/** The StreamSets file through the importer. */
export function streamsetsEvents(time = new Date('2026-11-20T12:00:00.000Z')): ClickEvent[] {
  const [head, ...lines] = readFileSync(STREAMSETS_CSV, 'utf8').split('\r\n').filter(Boolean);
  const header = streamsetsHeader(head);
  return lines.map((line, i) => {
    const r = streamsetsRow(header, line, i + 2, { fileId: 'Schematic_Log.csv', time });
    if ('error' in r) throw new Error(r.error);
    return r.event;
  });
}

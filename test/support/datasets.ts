import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClickEvent } from '../../contract';
import { streamsetsHeader, streamsetsRow } from '../../cli/importers/streamsets';

/** The public sample datasets, vendored with their SOURCE.md files so tests need nothing outside the repository. */
export const DATASETS = join(__dirname, '../../datasets');
export const STREAMSETS_CSV = join(DATASETS, 'streamsets-clickstream-schematic-log/Schematic_Log.csv');

/** The StreamSets rows as plain records, read independently of the importer. */
export function streamsetsRecords(): Record<string, string>[] {
  const [head, ...lines] = readFileSync(STREAMSETS_CSV, 'utf8')
    .replace(/^\uFEFF/, '')
    .split('\r\n')
    .filter(Boolean);
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

/** Counts computed straight from the CSV, without the importer or the aggregator. */
export function streamsetsExpected() {
  const rows = streamsetsRecords();
  const views = new Map<string, number>();
  const status = new Map<string, number>();
  const brands = new Map<string, number>();
  const ipSessions = new Map<string, Set<string>>();
  for (const r of rows) {
    const k = `${r.SessionID}|${r.Action.toLowerCase()}|${r.URL}`;
    views.set(k, (views.get(k) ?? 0) + Number(r['# Of Views']));
    status.set(r.Rstat, (status.get(r.Rstat) ?? 0) + 1);
    brands.set(r.Brand, (brands.get(r.Brand) ?? 0) + 1);
    if (!ipSessions.has(r.ClientIP)) ipSessions.set(r.ClientIP, new Set());
    ipSessions.get(r.ClientIP)!.add(r.SessionID);
  }
  const sorted = <T>(m: Map<string, T>) => [...m].sort(([a], [b]) => (a < b ? -1 : 1));
  return {
    views: sorted(views),
    status: sorted(status),
    brands: sorted(brands),
    ipSessions: sorted(new Map([...ipSessions].map(([ip, s]) => [ip, s.size]))),
    total: rows.length,
  };
}

/** `events` `copies` times over, each copy with its own event ids and sessions (so none is a duplicate of another). */
export function distinctCopies(events: readonly ClickEvent[], copies: number): ClickEvent[] {
  return Array.from({ length: copies }, (_, i) =>
    events.map((e) => ({ ...e, eventId: `${e.eventId.slice(0, 24)}${String(i).padStart(12, '0')}`, sessionId: `${e.sessionId}-${i}` })),
  ).flat();
}

/**
 * The StreamSets clickstream sample (`Schematic_Log.csv`): one shop request per row with
 * session, client IP, action, product, brand and HTTP status, but no time stamp.
 */
import { SCHEMA_VERSION, type ClickEvent } from '../../contract';
import { derivePage } from '../../enrich';
import { stableUuid } from './ids';
import type { ImportContext, RowResult } from './types';

const REQUIRED = ['Action', 'ClientIP', 'SessionID', 'URL', 'Rstat', 'Brand', 'ProductID'];

/** Reads the header line; throws naming the missing columns when it is not this format. */
export function streamsetsHeader(line: string): string[] {
  const header = line
    .replace(/^\uFEFF/, '')
    .split(',')
    .map((h) => h.trim());
  const missing = REQUIRED.filter((c) => !header.includes(c));
  if (missing.length > 0) throw new Error(`not a StreamSets clickstream CSV: missing column(s) ${missing.join(', ')}`);
  return header;
}

/**
 * One data row as an event. Actions are lower-cased (the file has both `view` and `View`);
 * a `view` is a page view, every other action a custom event named after it.
 */
export function streamsetsRow(header: string[], line: string, lineNumber: number, ctx: ImportContext): RowResult {
  const cells = line.split(',');
  if (cells.length !== header.length) return { error: `line ${lineNumber}: has ${cells.length} fields, the header has ${header.length}` };
  const col = (name: string) => cells[header.indexOf(name)]?.trim() ?? '';
  const action = col('Action').toLowerCase();
  const status = Number(col('Rstat'));
  if (!action) return { error: `line ${lineNumber}: Action is empty` };
  if (!Number.isInteger(status) || status < 100 || status > 599)
    return { error: `line ${lineNumber}: Rstat "${col('Rstat')}" is not an HTTP status` };
  const item = col('Item');
  const event: ClickEvent = {
    schemaVersion: SCHEMA_VERSION,
    eventId: stableUuid(`${ctx.fileId}:${lineNumber}`),
    eventType: action === 'view' ? 'pageView' : 'custom',
    ...(action === 'view' ? {} : { eventName: action }),
    source: 'import',
    receivedTimestamp: ctx.time.toISOString(),
    partyId: `ip:${col('ClientIP')}`,
    sessionId: col('SessionID'),
    page: derivePage({ url: col('URL') }, []),
    network: { ip: col('ClientIP') },
    commerce: {
      action,
      productId: col('ProductID'),
      brand: col('Brand'),
      ...(col('Category') ? { category: col('Category') } : {}),
    },
    ...(item ? { properties: { item, itemId: col('ItemID') } } : {}),
    httpStatus: status,
  };
  return { event };
}

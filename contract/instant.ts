/**
 * What the contract accepts as a time and as an event id: only values every store can hold.
 * A format regex alone lets through `2026-02-31`, `23:59:60`, year 0000 and `urn:uuid:` ids,
 * which a warehouse column, `Date` or the search index then refuses, stopping a partition.
 */

/** Earliest accepted instant (inclusive). */
export const EARLIEST_INSTANT = Date.UTC(1970, 0, 1);
/** Latest accepted instant (exclusive). */
export const LATEST_INSTANT = Date.UTC(2100, 0, 1);

/** RFC 3339 date-time: `T` separator, seconds, optional fraction (up to microseconds), `Z` or `±hh:mm`. */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?(Z|[+-](\d{2}):(\d{2}))$/;

/** Canonical 8-4-4-4-12 hexadecimal UUID text (36 characters, no `urn:uuid:` or braces). */
export const UUID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/**
 * True for an RFC 3339 date-time that names a real instant (no 31 February, no leap second,
 * offsets within ±23:59) inside [{@link EARLIEST_INSTANT}, {@link LATEST_INSTANT}).
 */
export function isInstant(value: string): boolean {
  const m = DATE_TIME.exec(value);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return false;
  if (hour > 23 || minute > 59 || second > 59) return false;
  if (m[9] !== undefined && (Number(m[9]) > 23 || Number(m[10]) > 59)) return false;
  const ms = Date.parse(value);
  return ms >= EARLIEST_INSTANT && ms < LATEST_INSTANT;
}

/**
 * A contract time as the warehouses read a TIMESTAMP: `YYYY-MM-DD HH:MM:SS.sss` in UTC. The
 * canonical UTC text the collector and the importers write is only cut, not parsed again.
 */
export function warehouseTime(value: string): string {
  const iso = value.length === 24 && value[10] === 'T' && value[23] === 'Z' ? value : new Date(value).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
}

/** Milliseconds since the epoch as a canonical UTC timestamp, or undefined outside the accepted window. */
export function instantFromMs(ms: number): string | undefined {
  return Number.isFinite(ms) && ms >= EARLIEST_INSTANT && ms < LATEST_INSTANT ? new Date(ms).toISOString() : undefined;
}

/** The accepted window, for reasons and documentation. */
export const INSTANT_WINDOW = '1970-01-01T00:00:00Z to 2099-12-31T23:59:59Z';

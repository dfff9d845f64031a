/**
 * Which archive objects a time range touches, and which of their events fall inside it. The
 * archive is partitioned by the hour an event was received (`events/dt=…/hr=…/`), so a range
 * reads only its hours' folders and keeps the events whose `receivedTimestamp` is in it.
 */
import { gunzipSync } from 'node:zlib';
import { decodeEvent, type ClickEvent } from '../contract';
import { parseSince } from '../warehouse/named-queries';

/** A half-open interval of receive times: `since` ≤ t < `until`. */
export interface TimeRange {
  since: Date;
  until: Date;
}

/** The most hours one replay may span (about three months): a typo in a date should not read years of archive. */
export const MAX_RANGE_HOURS = 24 * 92;

const HOUR = 3600e3;

/** Parses `--since`/`--until` (the same forms as the query commands: 30m, 6h, 7d, today, ISO); throws naming the problem. */
export function parseRange(since: string, until: string | undefined, now: Date): TimeRange {
  const range = { since: parseSince(since, now), until: until === undefined ? now : parseSince(until, now) };
  if (range.until <= range.since)
    throw new Error(`--until (${range.until.toISOString()}) must be after --since (${range.since.toISOString()})`);
  const hours = (range.until.getTime() - range.since.getTime()) / HOUR;
  if (hours > MAX_RANGE_HOURS) throw new Error(`the range spans ${Math.ceil(hours)} hours; replay at most ${MAX_RANGE_HOURS} at a time`);
  return range;
}

/** The archive folders of the events received in `range`, oldest first. */
export function hourPrefixes(range: TimeRange): string[] {
  const prefixes: string[] = [];
  for (let t = Math.floor(range.since.getTime() / HOUR) * HOUR; t < range.until.getTime(); t += HOUR) {
    const iso = new Date(t).toISOString();
    prefixes.push(`events/dt=${iso.slice(0, 10)}/hr=${iso.slice(11, 13)}/`);
  }
  return prefixes;
}

/** What one archive object holds for a range: its events in range, and lines that are not valid events. */
export interface ObjectEvents {
  events: ClickEvent[];
  invalid: { line: number; reason: string }[];
}

/** Reads one gzip NDJSON archive object, keeping the valid events received in `range`. */
export function eventsInObject(body: Buffer, range: TimeRange): ObjectEvents {
  const out: ObjectEvents = { events: [], invalid: [] };
  const since = range.since.getTime();
  const until = range.until.getTime();
  const lines = gunzipSync(body).toString('utf8').split('\n');
  for (const [i, line] of lines.entries()) {
    if (line === '') continue;
    const decoded = decodeEvent(Buffer.from(line, 'utf8'));
    if (!decoded.ok) {
      out.invalid.push({ line: i + 1, reason: decoded.reason });
      continue;
    }
    const t = Date.parse(decoded.event.receivedTimestamp);
    if (t >= since && t < until) out.events.push(decoded.event);
  }
  return out;
}

/**
 * Re-publishing archived events for a time range. Objects are read in key order, so a replay
 * cut short (the Lambda's time is up) continues after the last object it finished; events are
 * published in chunks, each durable before the next. The stores absorb the repeats: the
 * aggregator and the indexer keep the first copy of an event id.
 */
import type { ClickEvent } from '../contract';
import { hourPrefixes, eventsInObject, type TimeRange } from './range';

/** Reads archive objects: S3 on AWS, the archive folder in local mode. */
export interface ObjectSource {
  /** Keys under `prefix`, in key order. */
  list(prefix: string): Promise<string[]>;
  get(key: string): Promise<Buffer>;
}

/** Where replayed events go; resolves once they are durable. */
export type ReplayTarget = (events: ClickEvent[]) => Promise<void>;

/** How far a replay got. */
export interface ReplayProgress {
  objects: number;
  events: number;
  /** Archive lines that are not valid events under today's contract (they stay in the archive, counted here, not replayed). */
  invalid: number;
  /** The last object done when the replay stopped early; undefined once the range is done. */
  resumeAfter?: string;
}

/** Events per publish: big enough to batch, small enough to stay under the broker's message limits. */
const CHUNK = 500;

/**
 * Replays the archived events received in `range`, after `resumeAfter` when given; stops early
 * (returning where) once `keepGoing` says so between objects.
 */
export async function replayArchive(
  source: ObjectSource,
  target: ReplayTarget,
  range: TimeRange,
  o: { resumeAfter?: string; keepGoing?: () => boolean } = {},
): Promise<ReplayProgress> {
  const progress: ReplayProgress = { objects: 0, events: 0, invalid: 0 };
  // Keys sort by hour (dt=, hr= are zero-padded), so one key marks a place across the whole range.
  let last = o.resumeAfter ?? '';
  for (const prefix of hourPrefixes(range)) {
    for (const key of await source.list(prefix)) {
      if (key <= last) continue;
      if (o.keepGoing && !o.keepGoing()) return { ...progress, resumeAfter: last };
      const { events, invalid } = eventsInObject(await source.get(key), range);
      for (let i = 0; i < events.length; i += CHUNK) await target(events.slice(i, i + CHUNK));
      progress.objects++;
      progress.events += events.length;
      progress.invalid += invalid.length;
      last = key;
    }
  }
  return progress;
}

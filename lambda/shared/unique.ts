/** Duplicate event ids: every processor keeps the same copy, the first in offset order. */
import type { ClickEvent } from '../../contract';

/** The first event of each id, in order. */
export function firstOfEachId(events: readonly ClickEvent[]): ClickEvent[] {
  const seen = new Set<string>();
  return events.filter((e) => !seen.has(e.eventId) && seen.add(e.eventId));
}

/**
 * Paths: from the page views matching a pattern, the page viewed next in the same session (or
 * the one viewed before, for `--to`), with how often. Page views are ordered by receive time,
 * then event id; a session that ends there counts as `(exit)`, one that starts there as `(entry)`.
 */
import { eventsInScope, pathMatch, type Scope } from './scope';

/** Which way to look from the pages matching the pattern. */
export type PathDirection = 'from' | 'to';

/** The most next (or previous) pages this returns. */
export const PATH_LIMIT = 25;

/** SQL of the paths report: columns `page` (the matching page), `next_page` or `previous_page`, `sessions`, `transitions`. */
export function pathsSql(direction: PathDirection, pattern: string, scope: Scope): string {
  const neighbour = direction === 'from' ? 'next_page' : 'previous_page';
  const fn = direction === 'from' ? 'LEAD' : 'LAG';
  const edge = direction === 'from' ? '(exit)' : '(entry)';
  const views =
    `SELECT session_id, page_path AS page, ${fn}(page_path) OVER (PARTITION BY session_id ORDER BY received_timestamp, event_id) AS other ` +
    `FROM events WHERE event_type = 'pageView' AND ${eventsInScope(scope)}`;
  return (
    `SELECT page, COALESCE(other, '${edge}') AS ${neighbour}, COUNT(DISTINCT session_id) AS sessions, COUNT(*) AS transitions ` +
    `FROM (${views}) v WHERE ${pathMatch(pattern, 'page')} ` +
    `GROUP BY page, COALESCE(other, '${edge}') ORDER BY transitions DESC, sessions DESC, page, ${neighbour} LIMIT ${PATH_LIMIT}`
  );
}

/**
 * Forgetting a person: every event-level row of a user (all the visitor ids they were seen
 * with) or of one visitor id goes from the warehouse: raw events, the user ↔ visitor mapping,
 * visitor and session rows, and the memberships that hold visitor or session ids. Counters
 * (page views per day, campaigns, devices…) hold no id and stay: anonymous counts.
 */
import type { StatementExecutor } from './executor';
import { literal } from './literal';

/** Whom to forget: a user id, or one visitor (party) id. */
export type Person = { user: string } | { party: string };

/** Rows removed per table. */
export type Removed = Record<string, number>;

/** Tables keyed by session id, then by visitor id; raw events and the mapping last (the others' subqueries read them). */
const BY_SESSION = ['hourly_sessions', 'ip_sessions', 'session_action_urls'];
const BY_PARTY = ['hourly_visitors', 'page_visitors_daily', 'visitors', 'sessions'];

/** The visitor ids of a person as a subquery over the warehouse. */
function partiesOf(p: Person): string {
  if ('party' in p) return `(SELECT ${literal(p.party)} AS party_id)`;
  const user = literal(p.user);
  return `(SELECT party_id FROM user_parties WHERE user_id = ${user} UNION SELECT party_id FROM events WHERE user_id = ${user})`;
}

/** WHERE clause of each table's rows that belong to the person. */
export function forgetPredicates(p: Person): Record<string, string> {
  const parties = `party_id IN (SELECT party_id FROM ${partiesOf(p)} AS p)`;
  const sessions = `session_id IN (SELECT session_id FROM sessions WHERE ${parties} UNION SELECT session_id FROM events WHERE ${parties})`;
  const user = 'user' in p ? ` OR user_id = ${literal(p.user)}` : '';
  return {
    ...Object.fromEntries(BY_SESSION.map((t) => [t, sessions])),
    ...Object.fromEntries(BY_PARTY.map((t) => [t, parties])),
    events: `${parties}${user}`,
    user_parties: `${parties}${user}`,
  };
}

/** The visitor ids of a person, before they are forgotten (the archive and the search index need them). */
export async function visitorIds(db: StatementExecutor, p: Person): Promise<string[]> {
  if ('party' in p) return [p.party];
  return (await db.query(`SELECT DISTINCT party_id FROM ${partiesOf(p)} AS p`)).map((r) => String(r.party_id));
}

/** Counts, then deletes in one transaction, every row of the person; returns the counts. */
export async function forgetInWarehouse(db: StatementExecutor, p: Person): Promise<Removed> {
  const where = forgetPredicates(p);
  const removed: Removed = {};
  for (const [table, predicate] of Object.entries(where))
    removed[table] = Number((await db.query(`SELECT COUNT(*) AS n FROM ${table} WHERE ${predicate}`))[0].n);
  await db.transaction(Object.entries(where).map(([table, predicate]) => `DELETE FROM ${table} WHERE ${predicate}`));
  return removed;
}

/**
 * Funnels. A session reaches step k when it has events e1..ek, each matching its step, with
 * time(e1) ≤ time(e2) ≤ … ≤ time(ek) (receive times). Taking the earliest qualifying time at
 * each step decides it exactly: step k is reached iff some event matching it comes no earlier
 * than the earliest time step k−1 was reached. One event may serve two steps it matches.
 */
import { literal } from '../literal';
import { QueryInputError } from '../named-queries';
import { eventsInScope, pathMatch, type Scope } from './scope';

/** A page-path pattern (`/product/*`) or a custom event (`event:NAME`). */
export function stepMatch(step: string, alias = ''): string {
  const c = (name: string) => (alias ? `${alias}.${name}` : name);
  if (step.startsWith('event:')) {
    const name = step.slice(6);
    if (name === '') throw new QueryInputError(`step "${step}": name the event after "event:"`);
    return `${c('event_name')} = ${literal(name)}`;
  }
  return `${c('event_type')} = 'pageView' AND ${pathMatch(step, c('page_path'))}`;
}

/** Steps allowed in one funnel: each is one join, and a funnel longer than this is rarely one. */
export const MAX_STEPS = 20;

/** SQL counting the sessions that reached each step: columns `step`, `sessions`. */
export function funnelSql(steps: readonly string[], scope: Scope): string {
  if (steps.length < 2) throw new QueryInputError('a funnel needs at least two --step');
  if (steps.length > MAX_STEPS) throw new QueryInputError(`a funnel has at most ${MAX_STEPS} steps`);
  const ctes = [
    `e AS (SELECT session_id, received_timestamp AS t, event_type, event_name, page_path FROM events WHERE ${eventsInScope(scope)})`,
  ];
  steps.forEach((step, i) => {
    const k = i + 1;
    ctes.push(
      k === 1
        ? `s1 AS (SELECT session_id, MIN(t) AS t FROM e WHERE ${stepMatch(step)} GROUP BY session_id)`
        : `s${k} AS (SELECT e.session_id, MIN(e.t) AS t FROM e JOIN s${i} p ON p.session_id = e.session_id AND e.t >= p.t WHERE ${stepMatch(step, 'e')} GROUP BY e.session_id)`,
    );
  });
  const counts = steps.map((_, i) => `SELECT ${i + 1} AS step, COUNT(*) AS sessions FROM s${i + 1}`).join(' UNION ALL ');
  return `WITH ${ctes.join(', ')} ${counts} ORDER BY step`;
}

/** One row of a funnel report. */
export interface FunnelRow {
  step: number;
  pattern: string;
  sessions: number;
  /** Percent of the previous step's sessions (100 for the first). */
  from_previous_pct: number | null;
  /** Percent of the first step's sessions. */
  from_first_pct: number | null;
}

const pct = (n: number, of: number) => (of === 0 ? null : Math.round((1000 * n) / of) / 10);

/** The report from the counts `funnelSql` returns. */
export function funnelReport(steps: readonly string[], counts: readonly Record<string, unknown>[]): FunnelRow[] {
  const byStep = new Map(counts.map((r) => [Number(r.step), Number(r.sessions)]));
  const sessions = steps.map((_, i) => byStep.get(i + 1) ?? 0);
  return steps.map((pattern, i) => ({
    step: i + 1,
    pattern,
    sessions: sessions[i],
    from_previous_pct: i === 0 ? pct(sessions[0], sessions[0]) : pct(sessions[i], sessions[i - 1]),
    from_first_pct: pct(sessions[i], sessions[0]),
  }));
}

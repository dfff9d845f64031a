/**
 * The event-level analyses (funnel, paths, retention) by name, built from one set of string
 * parameters: the CLI's options and the local API's query string both go through here.
 */
import { QueryInputError } from '../named-queries';
import type { Row } from '../executor';
import { funnelReport, funnelSql } from './funnel';
import { pathsSql } from './paths';
import { retentionReport, retentionSql } from './retention';
import { scopeOf, type ScopeOptions } from './scope';

/** The analyses there are. */
export const ANALYSES = ['funnel', 'paths', 'retention'] as const;
export type AnalysisName = (typeof ANALYSES)[number];

/** Parameters of an analysis (each optional except what the analysis needs). */
export interface AnalysisParams extends ScopeOptions {
  steps?: string[];
  from?: string;
  to?: string;
  period?: string;
}

/** An analysis ready to run: its SQL, and how to turn the rows into the report. */
export interface Analysis {
  sql: string;
  report(rows: Row[]): Row[];
}

/** Builds an analysis; throws a message naming the wrong parameter. */
export function analysis(name: string, p: AnalysisParams, now = new Date()): Analysis {
  // Retention needs weeks of history to say anything; the others look at the last week.
  const scope = scopeOf(p, now, name === 'retention' ? '28d' : '7d');
  switch (name) {
    case 'funnel': {
      const steps = p.steps ?? [];
      return { sql: funnelSql(steps, scope), report: (rows) => funnelReport(steps, rows) as unknown as Row[] };
    }
    case 'paths': {
      if ((p.from === undefined) === (p.to === undefined)) throw new QueryInputError('give either --from PATTERN or --to PATTERN');
      return { sql: pathsSql(p.from !== undefined ? 'from' : 'to', (p.from ?? p.to)!, scope), report: (rows) => rows };
    }
    case 'retention': {
      const period = p.period ?? 'day';
      if (period !== 'day' && period !== 'week') throw new QueryInputError(`--period "${period}": use day or week`);
      return {
        sql: retentionSql(period, scope),
        report: (rows) => retentionReport(rows) as unknown as Row[],
      };
    }
    default:
      throw new QueryInputError(`unknown analysis "${name}"; there are ${ANALYSES.join(', ')}`);
  }
}

/** The parameters from a URL query string (`step` repeated, `include-bots=true`). */
export function analysisParams(q: URLSearchParams): AnalysisParams {
  const get = (k: string) => q.get(k) ?? undefined;
  return {
    since: get('since'),
    until: get('until'),
    site: get('site'),
    includeBots: q.get('include-bots') === 'true',
    steps: q.getAll('step'),
    from: get('from'),
    to: get('to'),
    period: get('period'),
  };
}

/** The same parameters as a query string (what the CLI sends to a running local mode). */
export function analysisQuery(p: AnalysisParams): URLSearchParams {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries({ since: p.since, until: p.until, site: p.site, from: p.from, to: p.to, period: p.period }))
    if (v !== undefined) q.set(k, v);
  if (p.includeBots) q.set('include-bots', 'true');
  for (const s of p.steps ?? []) q.append('step', s);
  return q;
}

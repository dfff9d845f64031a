/**
 * Retention: visitors (party ids) in cohorts by the period of their first event ever, and how
 * many of each cohort were active in each later period. Periods are UTC days or ISO weeks
 * (Monday to Sunday); `offset` counts periods since the cohort's, 0 being the cohort itself.
 */
import { eventsInScope, timestamp, type Scope } from './scope';

/** The length of a cohort and of an offset. */
export type RetentionPeriod = 'day' | 'week';

/** SQL of the retention report: `cohort`, `offset`, `visitors`, `cohort_size`, for cohorts first seen in the scope's window. */
export function retentionSql(period: RetentionPeriod, scope: Scope): string {
  const divisor = period === 'week' ? 7 : 1;
  const people = eventsInScope({ ...scope, since: new Date(0), until: scope.until });
  const firsts = `SELECT party_id, CAST(DATE_TRUNC('${period}', MIN(received_timestamp)) AS DATE) AS cohort FROM events WHERE ${people} GROUP BY party_id`;
  const active = `SELECT DISTINCT party_id, CAST(DATE_TRUNC('${period}', received_timestamp) AS DATE) AS active FROM events WHERE ${eventsInScope(scope)}`;
  return (
    `WITH f AS (${firsts}), a AS (${active}), ` +
    `c AS (SELECT cohort, COUNT(*) AS cohort_size FROM f WHERE cohort >= CAST(DATE_TRUNC('${period}', ${timestamp(scope.since)}) AS DATE) GROUP BY cohort) ` +
    `SELECT f.cohort, (a.active - f.cohort) / ${divisor} AS period_offset, COUNT(*) AS visitors, c.cohort_size ` +
    `FROM f JOIN a ON a.party_id = f.party_id JOIN c ON c.cohort = f.cohort ` +
    `GROUP BY f.cohort, (a.active - f.cohort) / ${divisor}, c.cohort_size ORDER BY f.cohort, period_offset`
  );
}

/** One row of a retention report. */
export interface RetentionRow {
  cohort: string;
  offset: number;
  visitors: number;
  /** Percent of the cohort active in this period. */
  share_pct: number;
}

/** The report from what `retentionSql` returns. */
export function retentionReport(rows: readonly Record<string, unknown>[]): RetentionRow[] {
  return rows.map((r) => {
    // A Date from another realm (a worker thread's rows) fails instanceof, so it is recognised by its tag.
    const cohort =
      Object.prototype.toString.call(r.cohort) === '[object Date]'
        ? (r.cohort as Date).toISOString().slice(0, 10)
        : String(r.cohort).slice(0, 10);
    const visitors = Number(r.visitors);
    return { cohort, offset: Number(r.period_offset), visitors, share_pct: Math.round((1000 * visitors) / Number(r.cohort_size)) / 10 };
  });
}

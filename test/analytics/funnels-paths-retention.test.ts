/**
 * Funnels, paths and retention on the public Apache log, each checked against an answer this
 * test computes from the imported events directly, by the definitions in the README (not by SQL).
 */
import { join } from 'node:path';
import { readImport } from '../../cli/importers';
import { applyBatch } from '../../lambda/aggregator/apply';
import type { ClickEvent } from '../../contract';
import { funnelReport, funnelSql } from '../../warehouse/analyses/funnel';
import { pathsSql } from '../../warehouse/analyses/paths';
import { retentionReport, retentionSql } from '../../warehouse/analyses/retention';
import { scopeOf, type Scope } from '../../warehouse/analyses/scope';
import type { PgliteExecutor } from '../../warehouse/pglite';
import { DATASETS } from '../support/datasets';
import { freshWarehouse, mskBatches, toLog } from '../support/warehouse';

const APACHE = join(DATASETS, 'elastic-apache-logs/apache_logs');
const SCOPE: Scope = scopeOf({ since: '2015-05-17', until: '2015-05-21' });

/** `*` as any run of characters, the rest literal, over the whole path. */
const matches = (pattern: string, path: string | undefined) =>
  path !== undefined &&
  new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
    's',
  ).test(path);
const time = (e: ClickEvent) => Date.parse(e.receivedTimestamp);

describe('event-level analyses on the Apache log', () => {
  let db: PgliteExecutor;
  let people: ClickEvent[];
  const sessions = new Map<string, ClickEvent[]>();
  beforeAll(async () => {
    const { events } = await readImport(APACHE, { format: 'apache-combined', site: 'http://www.semicomplete.com' });
    db = await freshWarehouse();
    for (const batch of mskBatches(toLog(events), 5000))
      expect(await applyBatch(db, 'clickstream', batch, { rawEvents: true })).toMatchObject({ poisoned: [] });
    people = events.filter((e) => !e.device?.isBot);
    for (const e of people) sessions.set(e.sessionId, [...(sessions.get(e.sessionId) ?? []), e]);
  }, 120_000);
  afterAll(() => db.close());

  /** Definition: events e1..ek of the session, each matching its step, at non-decreasing times. */
  function reaches(events: ClickEvent[], steps: string[], k: number, after = -Infinity): boolean {
    if (k === steps.length) return true;
    return events.some(
      (e) => e.eventType === 'pageView' && matches(steps[k], e.page?.path) && time(e) >= after && reaches(events, steps, k + 1, time(e)),
    );
  }

  it.each([[['/', '/blog/*', '/blog/*/*.html']], [['/presentations/*', '/images/*']], [['/blog/*', '/', '/projects/*', '/blog/*']]])(
    'funnel %j: sessions per step and conversions',
    async (steps) => {
      const counts = await db.query(funnelSql(steps, SCOPE));
      const report = funnelReport(steps, counts);
      const expected = steps.map((_, k) => [...sessions.values()].filter((evs) => reaches(evs, steps.slice(0, k + 1), 0)).length);
      expect(report.map((r) => r.sessions)).toEqual(expected);
      expect(expected[0]).toBeGreaterThan(0);
      expect(report[1].from_previous_pct).toBe(Math.round((1000 * expected[1]) / expected[0]) / 10);
      expect(report.at(-1)!.from_first_pct).toBe(Math.round((1000 * expected.at(-1)!) / expected[0]) / 10);
    },
  );

  /** Page views of each session in order, as the report orders them. */
  const ordered = () =>
    [...sessions.values()].map((evs) =>
      evs.filter((e) => e.eventType === 'pageView').sort((a, b) => time(a) - time(b) || (a.eventId < b.eventId ? -1 : 1)),
    );

  it.each([['from'], ['to']] as const)('paths %s /blog/*: the neighbouring pages, with entries and exits', async (direction) => {
    const counts = new Map<string, number>();
    for (const views of ordered()) {
      views.forEach((v, i) => {
        if (!matches('/blog/*', v.page?.path)) return;
        const other = direction === 'from' ? (views[i + 1]?.page?.path ?? '(exit)') : (views[i - 1]?.page?.path ?? '(entry)');
        const key = `${v.page!.path}|${other}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      });
    }
    const rows = await db.query(pathsSql(direction, '/blog/*', SCOPE));
    const column = direction === 'from' ? 'next_page' : 'previous_page';
    expect(rows.length).toBe(25);
    for (const r of rows) expect(Number(r.transitions)).toBe(counts.get(`${r.page}|${r[column]}`));
    const top = [...counts.values()].sort((a, b) => b - a);
    expect(rows.map((r) => Number(r.transitions))).toEqual(top.slice(0, 25));
  });

  it('retention by day: cohorts by first event, visitors active per later day', async () => {
    const first = new Map<string, string>();
    const active = new Map<string, Set<string>>();
    for (const e of people) {
      const day = e.receivedTimestamp.slice(0, 10);
      if (!first.has(e.partyId) || day < first.get(e.partyId)!) first.set(e.partyId, day);
      active.set(e.partyId, (active.get(e.partyId) ?? new Set()).add(day));
    }
    const expected = new Map<string, number>();
    const sizes = new Map<string, number>();
    for (const [party, cohort] of first) {
      sizes.set(cohort, (sizes.get(cohort) ?? 0) + 1);
      for (const day of active.get(party)!) {
        const key = `${cohort}|${(Date.parse(day) - Date.parse(cohort)) / 86400e3}`;
        expected.set(key, (expected.get(key) ?? 0) + 1);
      }
    }
    const report = retentionReport(await db.query(retentionSql('day', SCOPE)));
    expect(new Map(report.map((r) => [`${r.cohort}|${r.offset}`, r.visitors]))).toEqual(expected);
    for (const r of report) expect(r.share_pct).toBe(Math.round((1000 * r.visitors) / sizes.get(r.cohort)!) / 10);
    expect(report.filter((r) => r.offset === 0).map((r) => r.share_pct)).toEqual([100, 100, 100, 100]);
  });

  it('retention by week: ISO weeks starting on Monday', async () => {
    const report = retentionReport(await db.query(retentionSql('week', SCOPE)));
    // 17 May 2015 was a Sunday: its visitors form the week of Monday 11 May; the 18th–20th the next week.
    expect(report.map((r) => [r.cohort, r.offset])).toEqual([
      ['2015-05-11', 0],
      ['2015-05-11', 1],
      ['2015-05-18', 0],
    ]);
    const sunday = new Set(people.filter((e) => e.receivedTimestamp.startsWith('2015-05-17')).map((e) => e.partyId));
    expect(report[0].visitors).toBe(sunday.size);
    const back = new Set(people.filter((e) => sunday.has(e.partyId) && e.receivedTimestamp >= '2015-05-18').map((e) => e.partyId));
    expect(report[1].visitors).toBe(back.size);
  });

  it('names the problem in a step or pattern', () => {
    expect(() => funnelSql(['/'], SCOPE)).toThrow('a funnel needs at least two --step');
    expect(() => funnelSql(['/', 'event:'], SCOPE)).toThrow('step "event:": name the event after "event:"');
    expect(() => pathsSql('from', '', SCOPE)).toThrow('a page pattern must not be empty');
  });

  it('matches % and _ in a pattern literally, and keeps quotes inside the literal', async () => {
    const sql = funnelSql(["/it's_100%*", '/*'], SCOPE);
    expect(sql).toContain("LIKE '/it''s\\\\_100\\\\%%' ESCAPE '\\\\'");
    await expect(db.query(sql)).resolves.toEqual([
      { step: 1, sessions: 0 },
      { step: 2, sessions: 0 },
    ]);
  });
});

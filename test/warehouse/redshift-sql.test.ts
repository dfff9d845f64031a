import { encodeEvent } from '../../contract';
import { planStatements } from '../../lambda/aggregator/apply';
import { LOAD_STATEMENTS, LOAD_TABLES_DDL } from '../../lambda/aggregator/load';
import { streamsetsEvents } from '../support/datasets';
import { mskBatches, toLog } from '../support/warehouse';
import { copyStatement, s3From } from '../../warehouse/copy';
import { decodeMskEvent, toMskEvent } from '../../lambda/shared/msk-event';
import { splitStatements } from '../../warehouse/dialect';
import { readMigrations } from '../../warehouse/migrations';
import { TABLES } from '../../lambda/aggregator/tables';
import { analysis, type AnalysisParams } from '../../warehouse/analyses';
import { forgetPredicates } from '../../warehouse/forget';
import { listQueries, renderQuery } from '../../warehouse/named-queries';
import { documentedExamples } from '../support/examples';

/** Postgres constructs Redshift does not have; none of our SQL may use them. */
const POSTGRES_ONLY: [string, RegExp][] = [
  ['ON CONFLICT', /\bON\s+CONFLICT\b/i],
  ['RETURNING', /\bRETURNING\b/i],
  ['VALUES in FROM', /\b(FROM|USING|JOIN)\s*\(\s*VALUES\b/i],
  ['WITH in MERGE', /\bWITH\b[\s\S]*\bMERGE\s+INTO\b/i],
  ['SERIAL', /\b(BIG|SMALL)?SERIAL\b/i],
  ['JSONB', /\bJSONB\b/i],
  ['GENERATED columns', /\bGENERATED\s+(ALWAYS|BY\s+DEFAULT)\b/i],
  ['now()', /\bnow\s*\(\s*\)/i],
  ['INTERVAL arithmetic', /\bINTERVAL\s+'/i],
];

function check(sql: string): string[] {
  return POSTGRES_ONLY.filter(([, re]) => re.test(sql)).map(([name]) => name);
}

/** Everything the stack sends to Redshift. */
function allRedshiftSql(): [string, string][] {
  const migrations = readMigrations().flatMap((m) => splitStatements(m.sql).map((s, i): [string, string] => [`${m.name}#${i + 1}`, s]));
  const log = documentedExamples().map((e, offset) => {
    const { key, value } = encodeEvent(e);
    return { topic: 'clickstream', partition: 0, offset, timestamp: 0, key, value };
  });
  const decoded = decodeMskEvent(toMskEvent(log), 'test');
  const plan = planStatements('clickstream', decoded, new Date());
  const batch = plan.statements.map((s, i): [string, string] => [`batch#${i + 1}`, s]);
  const loaded = planStatements('clickstream', decoded, new Date(), { rows: 'loaded', rawEvents: true });
  const load = [...LOAD_TABLES_DDL, copyStatement('load_rows', s3From('bucket', 'staging/aggregator/x.json.gz', 'arn:aws:iam::1:role/r'))];
  const aws = [...load, ...loaded.statements].map((s, i): [string, string] => [`loaded batch#${i + 1}`, s]);
  const queries = listQueries().map((q): [string, string] => [`query ${q.name}`, renderQuery(q.name, { site: 'shop' })]);
  const analyses = [
    ['funnel', { steps: ['/', '/product/*', 'event:purchase'] }],
    ['paths', { from: '/cart' }],
    ['paths', { to: '/cart', includeBots: true }],
    ['retention', { period: 'week', site: 'shop' }],
  ].map(([name, p]): [string, string] => [`analysis ${name as string}`, analysis(name as string, p as AnalysisParams).sql]);
  const forget = Object.entries(forgetPredicates({ user: "o'brien" })).map(([t, where]): [string, string] => [
    `forget ${t}`,
    `DELETE FROM ${t} WHERE ${where}`,
  ]);
  return [...migrations, ...batch, ...aws, ...queries, ...analyses, ...forget];
}

describe('SQL sent to Redshift', () => {
  it('the checker catches each Postgres-only construct', () => {
    expect(check('INSERT INTO t VALUES (1) ON CONFLICT DO NOTHING')).toEqual(['ON CONFLICT']);
    expect(check('INSERT INTO t VALUES (1) RETURNING id')).toEqual(['RETURNING']);
    expect(check('MERGE INTO t USING (VALUES (1)) AS s (k) ON t.k = s.k')).toEqual(['VALUES in FROM']);
    expect(check('WITH s AS (SELECT 1 AS k) MERGE INTO t USING s ON t.k = s.k')).toEqual(['WITH in MERGE']);
    expect(check('CREATE TABLE t (id SERIAL, doc JSONB)')).toEqual(['SERIAL', 'JSONB']);
  });

  it.each(allRedshiftSql())('%s uses no Postgres-only construct', (_name, sql) => {
    expect(check(sql)).toEqual([]);
  });

  it('a loaded batch is one statement per table it touches, whatever its size: within one Data API transaction', () => {
    const events = streamsetsEvents();
    const plan = planStatements('clickstream', mskBatches(toLog(events), events.length)[0], new Date(), {
      rows: 'loaded',
      rawEvents: true,
    });
    // The lock, a merge per table, the raw events, the watermark's delete and insert.
    expect(plan.statements).toHaveLength(1 + plan.tables.length + 1 + 2);
    expect(plan.statements.length + LOAD_STATEMENTS).toBeLessThanOrEqual(40);
    // Even a batch touching every table would fit.
    expect(1 + TABLES.length + 1 + 2 + LOAD_STATEMENTS).toBeLessThanOrEqual(40);
  });

  it('every batch statement stays under the Data API limit of 100 KB', () => {
    for (const [, sql] of allRedshiftSql()) expect(Buffer.byteLength(sql)).toBeLessThan(100_000);
  });
});

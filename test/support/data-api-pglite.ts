/**
 * The Redshift Data API client answered by real SQL on PGlite: the unmodified DataApiExecutor
 * (submit, poll, page through results, decode typed fields) over a warehouse with our tables.
 * Statements run when their results are fetched; values come back typed as the Data API types
 * them (long, double, boolean, string; timestamps as `YYYY-MM-DD HH:MM:SS` text).
 */
import {
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  RedshiftDataClient,
  type Field,
} from '@aws-sdk/client-redshift-data';
import { mockClient } from 'aws-sdk-client-mock';
import { toPostgres } from '../../warehouse/dialect';
import type { StatementExecutor } from '../../warehouse/executor';

function field(v: unknown): Field {
  if (v === null || v === undefined) return { isNull: true };
  if (typeof v === 'boolean') return { booleanValue: v };
  if (typeof v === 'number') return Number.isInteger(v) ? { longValue: v } : { doubleValue: v };
  if (typeof v === 'bigint') return { longValue: Number(v) };
  if (v instanceof Date) return { stringValue: v.toISOString().replace('T', ' ').replace('Z', '') };
  return { stringValue: String(v) };
}

/** Mocks every RedshiftDataClient to run its statements on `db`; returns the mock to inspect calls. */
export function dataApiOverPglite(db: StatementExecutor) {
  const redshift = mockClient(RedshiftDataClient);
  const statements = new Map<string, string>();
  redshift.on(ExecuteStatementCommand).callsFake((input: { Sql: string }) => {
    const id = `s${statements.size + 1}`;
    statements.set(id, input.Sql);
    return { Id: id };
  });
  redshift.on(DescribeStatementCommand).callsFake(() => ({ Status: 'FINISHED', HasResultSet: true }));
  redshift.on(GetStatementResultCommand).callsFake(async ({ Id }: { Id: string }) => {
    const rows = await db.query(toPostgres(statements.get(Id)!));
    const names = rows.length > 0 ? Object.keys(rows[0]) : [];
    return { ColumnMetadata: names.map((name) => ({ name })), Records: rows.map((r) => names.map((k) => field(r[k]))) };
  });
  return redshift;
}

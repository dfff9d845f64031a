/**
 * Statements of the Data API stand-in, run on PostgreSQL: each statement or batch gets its own
 * connection and transaction (as each Data API call gets its own Redshift session), its text
 * passes through the dialect step local mode uses and nothing else, and its result set is kept
 * as text with the column types, to be typed as the Data API types fields.
 */
import type { Field } from '@aws-sdk/client-redshift-data';
import type { Pool, PoolClient } from 'pg';
import { toPostgres } from '../warehouse/dialect';
import { redshiftWording, serializationViolation, statementTimes, type DataApiModel } from './model';

/** Where a statement is in its life, as DescribeStatement reports it. */
export type Status = 'SUBMITTED' | 'STARTED' | 'FINISHED' | 'FAILED' | 'ABORTED';

/** One result set: column names with PostgreSQL type ids, rows as text (null for NULL). */
export interface ResultSet {
  columns: { name: string; typeId: number }[];
  rows: (string | null)[][];
}

/** A submitted statement (one SQL text) or batch (several, one transaction). */
export interface Statement {
  id: string;
  sqls: string[];
  batch: boolean;
  status: Status;
  error?: string;
  createdAt: number;
  updatedAt: number;
  /** One entry per SQL text; undefined for statements without a result set. */
  results: (ResultSet | undefined)[];
  /** Index of the SQL that failed, for SubStatements. */
  failedAt?: number;
  /** PostgreSQL's own time for the statements (locks waited for included), ms. */
  executionMs?: number;
  /** True when the conflict was injected by the model rather than found by PostgreSQL. */
  injected?: boolean;
  /** Settles when the statement is done, whatever the outcome. */
  done: Promise<void>;
}

const sleep = (ms: number) => (ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve());

/** PostgreSQL type ids the Data API returns as numbers or booleans; everything else comes back as text. */
const LONG = new Set([20, 21, 23]);
const DOUBLE = new Set([700, 701]);
const BOOL = 16;
const TYPE_NAMES: Record<number, string> = {
  16: 'bool',
  20: 'int8',
  21: 'int2',
  23: 'int4',
  700: 'float4',
  701: 'float8',
  1700: 'numeric',
};

/** A value as a Data API field: long, double and boolean typed; text, dates, timestamps and decimals as strings. */
export function toField(value: string | null, typeId: number): Field {
  if (value === null) return { isNull: true };
  if (LONG.has(typeId)) return { longValue: Number(value) };
  if (DOUBLE.has(typeId)) return { doubleValue: Number(value) };
  if (typeId === BOOL) return { booleanValue: value === 't' };
  return { stringValue: value };
}

/** ColumnMetadata of a result set. */
export function columnMetadata(set: ResultSet) {
  return set.columns.map((c) => ({ name: c.name, label: c.name, typeName: TYPE_NAMES[c.typeId] ?? 'varchar', nullable: 1 }));
}

/** Runs a statement's SQL in one transaction, following the model; records the outcome on the statement. */
export async function runStatement(pool: Pool, model: DataApiModel, s: Statement): Promise<void> {
  const bytes = s.sqls.reduce((n, sql) => n + Buffer.byteLength(sql), 0);
  const { queueMs, holdMs } = statementTimes(model, bytes);
  await sleep(queueMs);
  s.status = 'STARTED';
  s.updatedAt = Date.now();
  let client: PoolClient | undefined;
  let at = 0;
  try {
    client = await pool.connect();
    const began = Date.now();
    await client.query('BEGIN');
    for (; at < s.sqls.length; at++) {
      const r = await client.query({ text: toPostgres(s.sqls[at]), rowMode: 'array' });
      s.results[at] =
        r.fields.length > 0 ? { columns: r.fields.map((f) => ({ name: f.name, typeId: f.dataTypeID })), rows: r.rows } : undefined;
    }
    s.executionMs = Date.now() - began;
    // PostgreSQL's own time counts toward the modeled execution time, not on top of it.
    await sleep(holdMs - s.executionMs);
    if (model.conflictRate > 0 && s.sqls.some((q) => !/^\s*SELECT\b/i.test(q)) && model.random() < model.conflictRate) {
      s.injected = true;
      throw Object.assign(new Error(serializationViolation('injected by the simulation')), { injected: true });
    }
    await client.query('COMMIT');
    s.status = 'FINISHED';
  } catch (err) {
    await client?.query('ROLLBACK').catch(() => undefined);
    s.status = 'FAILED';
    s.failedAt = Math.min(at, s.sqls.length - 1);
    s.error = (err as { injected?: boolean }).injected
      ? (err as Error).message
      : redshiftWording(err as { code?: string; message: string });
  } finally {
    client?.release();
    s.updatedAt = Date.now();
  }
}

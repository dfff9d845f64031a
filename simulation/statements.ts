/**
 * Statements of the Data API stand-in, run on PostgreSQL: each statement or batch gets its own
 * connection and transaction (as each Data API call gets its own Redshift session), its text
 * passes through the dialect step local mode uses and nothing else (a COPY from S3, which
 * PostgreSQL cannot run, is done by copy-from-s3.ts), and its result set is kept as text with
 * the column types, to be typed as the Data API types fields.
 */
import type { Field } from '@aws-sdk/client-redshift-data';
import type { Pool, PoolClient } from 'pg';
import { toPostgres } from '../warehouse/dialect';
import { copyFromS3, loadFailed, RedshiftError, type CopySource } from './copy-from-s3';
import { redshiftWording, serializationViolation, statementTimes, textTime, type DataApiModel } from './model';

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

/** Runs one SQL text of `s` in the open transaction, taking at least the model's time for it; keeps its result set. */
async function runText(client: PoolClient, model: DataApiModel, s: Statement, at: number, copies?: CopySource): Promise<void> {
  const began = Date.now();
  const copy = copyFromS3(s.sqls[at], copies);
  const r = await client
    .query({ ...(copy ?? { text: toPostgres(s.sqls[at]) }), rowMode: 'array' })
    .catch((err: { code?: string; message: string }) => {
      // A row that does not fit fails the whole load, worded as Redshift words it.
      throw copy && /^(22|23)/.test(err.code ?? '') ? loadFailed(copy.table) : err;
    });
  // Statistics for the loaded rows: without them PostgreSQL plans nested loops over the target
  // tables, which Redshift never runs for an equality join (it hashes or merges).
  if (copy) await client.query(`ANALYZE ${copy.table}`);
  const ms = Date.now() - began;
  s.executionMs = (s.executionMs ?? 0) + ms;
  s.results[at] =
    r.fields.length > 0 ? { columns: r.fields.map((f) => ({ name: f.name, typeId: f.dataTypeID })), rows: r.rows } : undefined;
  await sleep(textTime(model, Buffer.byteLength(s.sqls[at]), copy?.loadedBytes) - ms);
}

/**
 * Runs a statement's SQL in one transaction, following the model; records the outcome on the
 * statement. `conflictDraw` decides the injected conflicts of writing transactions.
 */
export async function runStatement(
  pool: Pool,
  model: DataApiModel,
  s: Statement,
  conflictDraw: () => number,
  copies?: CopySource,
): Promise<void> {
  const { queueMs, commitMs } = statementTimes(model);
  await sleep(queueMs);
  s.status = 'STARTED';
  s.updatedAt = Date.now();
  let client: PoolClient | undefined;
  let at = 0;
  try {
    client = await pool.connect();
    await client.query('BEGIN');
    for (; at < s.sqls.length; at++) await runText(client, model, s, at, copies);
    await sleep(commitMs);
    if (model.conflictRate > 0 && s.sqls.some((q) => !/^\s*SELECT\b/i.test(q)) && conflictDraw() < model.conflictRate) {
      s.injected = true;
      throw Object.assign(new Error(serializationViolation('injected by the simulation')), { injected: true });
    }
    await client.query('COMMIT');
    s.status = 'FINISHED';
  } catch (err) {
    await client?.query('ROLLBACK').catch(() => undefined);
    s.status = 'FAILED';
    s.failedAt = Math.min(at, s.sqls.length - 1);
    s.error =
      (err as { injected?: boolean }).injected || err instanceof RedshiftError
        ? (err as Error).message
        : redshiftWording(err as { code?: string; message: string });
  } finally {
    // Each Data API call is a session of its own: what it created (temporary tables) ends with it.
    await client?.query('DISCARD ALL').catch(() => undefined);
    client?.release();
    s.updatedAt = Date.now();
  }
}

/**
 * Rows loaded with Redshift's COPY instead of inlined as SQL: the rows are written as gzip
 * NDJSON where the warehouse reads them (S3), and a COPY inside the transaction loads them into
 * a temporary table. Redshift's documentation calls COPY the way to load more than a few rows;
 * inlined rows cost the parsing and planning of megabytes of SQL text, and the Data API's 40
 * statements of 100 KB per transaction. This file renders; warehouse/s3-copy-stage.ts writes.
 */
import { literal, storable, type SqlValue } from './literal';
import type { ColumnDef } from './union';

/** Where rows wait for a COPY: S3 on AWS (warehouse/s3-copy-stage.ts). */
export interface CopyStage {
  /** Writes NDJSON rows where the warehouse can read them; returns the COPY's `FROM … IAM_ROLE …` clause for them. */
  put(ndjson: string): Promise<string>;
}

/**
 * One JSON object per row, keyed by column name (COPY's JSON 'auto' matches keys to columns,
 * and loads NULL where a key is absent), after the `fixed` keys. Values are as the inlined path writes them (dates and timestamps as
 * `YYYY-MM-DD[ HH:MM:SS.sss]` text, which DATEFORMAT and TIMEFORMAT 'auto' read), text as it
 * stores it (literal.ts `storable`); JSON escaping, unlike SQL quoting, needs no care about backslashes.
 */
export function jsonLines(columns: readonly ColumnDef[], rows: readonly SqlValue[][], fixed: Record<string, SqlValue> = {}): string {
  const head = JSON.stringify(fixed).slice(0, -1);
  const out: string[] = [];
  for (const row of rows) {
    let line = head;
    for (let i = 0; i < columns.length; i++) {
      const v = row[i];
      // An absent key loads NULL: leaving nulls out keeps the object small.
      if (v === null) continue;
      line += `${line.length > 1 ? ',' : ''}${JSON.stringify(columns[i][0])}:${JSON.stringify(typeof v === 'string' ? storable(v) : v)}`;
    }
    out.push(`${line}}`);
  }
  return out.join('\n');
}

/**
 * The COPY that loads staged rows into `table`: strict (a value that does not fit fails the
 * load, as it would fail an INSERT), and without the automatic compression analysis and
 * statistics Redshift recommends turning off for staging tables.
 */
export function copyStatement(table: string, from: string): string {
  return `COPY ${table} FROM ${from} FORMAT AS JSON 'auto' GZIP DATEFORMAT 'auto' TIMEFORMAT 'auto' COMPUPDATE OFF STATUPDATE OFF`;
}

/** The `FROM` clause of an object in S3 read with an IAM role the warehouse assumes. */
export function s3From(bucket: string, key: string, roleArn: string): string {
  return `${literal(`s3://${bucket}/${key}`)} IAM_ROLE ${literal(roleArn)}`;
}

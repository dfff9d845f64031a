/**
 * Redshift's `COPY … FROM 's3://…' IAM_ROLE '…' FORMAT AS JSON 'auto' [GZIP]`, which PostgreSQL
 * cannot run, done as the Data API stand-in's warehouse would: every object under the prefix is
 * read from the S3 stand-in, each line's keys are matched to the table's columns (absent keys load NULL, others
 * are ignored), and the rows are inserted in the statement's transaction. Its failures are
 * worded as Redshift words them: a role the namespace may not assume, a missing object, rows
 * that do not fit ("Load into table … failed"). Only the options our code uses are accepted.
 */
import { gunzipSync } from 'node:zlib';

/** Where COPY reads from (every object under a prefix), and the one role the simulated namespace may assume. */
export interface CopySource {
  objects(url: string): Buffer[];
  roleArn: string;
}

/** A COPY as a PostgreSQL statement. */
export interface PostgresCopy {
  table: string;
  text: string;
  values: [string];
  /** Bytes of rows loaded (uncompressed): what the model charges for. */
  loadedBytes: number;
}

const COPY = /^\s*COPY\s+(\w+)\s+FROM\s+'(s3:\/\/[^']+)'\s+IAM_ROLE\s+'([^']+)'\s+(.*)$/is;
const SUPPORTED = /^FORMAT AS JSON 'auto'( GZIP)?( DATEFORMAT 'auto')?( TIMEFORMAT 'auto')?( COMPUPDATE OFF)?( STATUPDATE OFF)?$/i;

/** An error as Redshift words it in the Data API's Error field. */
export class RedshiftError extends Error {
  constructor(message: string) {
    super(`ERROR: ${message}`);
  }
}
const fail = (message: string) => new RedshiftError(message);

/** A COPY whose rows PostgreSQL refused, as Redshift words it. */
export const loadFailed = (table: string) =>
  fail(`Load into table '${table}' failed. Check 'sys_load_error_detail' system table for details.`);

/** The PostgreSQL statement for a COPY from S3; undefined for any other statement. Throws Redshift's errors. */
export function copyFromS3(sql: string, source: CopySource | undefined): PostgresCopy | undefined {
  const m = COPY.exec(sql);
  if (!m) return undefined;
  const [, table, url, role, options] = m;
  if (!SUPPORTED.test(options.trim())) throw fail(`the simulation does not support these COPY options: ${options}`);
  if (!source || role !== source.roleArn) throw fail(`User IAMR:aggregator is not authorized to assume IAM Role ${role}`);
  const objects = source.objects(url);
  if (objects.length === 0) throw fail(`The specified S3 prefix '${url.replace(/^s3:\/\/[^/]+\//, '')}' does not exist`);
  const bodies = / GZIP\b/i.test(options) ? objects.map((o) => gunzipSync(o)) : objects;
  const rows: unknown[] = [];
  for (const line of bodies.flatMap((b) => b.toString('utf8').split('\n'))) {
    if (!line.trim()) continue;
    try {
      rows.push(JSON.parse(line));
    } catch {
      throw loadFailed(table);
    }
  }
  return {
    table,
    text: `INSERT INTO ${table} SELECT * FROM json_populate_recordset(NULL::${table}, $1::json)`,
    values: [JSON.stringify(rows)],
    loadedBytes: bodies.reduce((n, b) => n + b.length, 0),
  };
}

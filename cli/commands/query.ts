/** `clickstream query`: a named query on the local warehouse or on Redshift through the Data API. */
import { RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import ora from 'ora';
import { DataApiExecutor, type RedshiftTarget } from '../../warehouse/data-api';
import type { Row, StatementExecutor } from '../../warehouse/executor';
import { listQueries, renderQuery } from '../../warehouse/named-queries';
import { openData } from '../../local/mode';
import { formatRows, type OutputFormat } from '../format';
import { runningInstance } from '../instance';
import { stackOutputs, STORAGE_STACK } from '../stack-outputs';

export interface QueryOptions {
  list?: boolean;
  since?: string;
  includeBots?: boolean;
  site?: string;
  format: OutputFormat;
  dataDir: string;
  workgroup?: string;
  cluster?: string;
  database: string;
  secretArn?: string;
  dbUser?: string;
  stack?: string;
  region?: string;
}

/** The workgroup and database a deployed stack reports in its outputs. */
export async function stackTarget(stack: string, region?: string): Promise<Pick<RedshiftTarget, 'workgroupName' | 'database'>> {
  const outputs = await stackOutputs(stack, ['RedshiftWorkgroup', 'RedshiftDatabase'], STORAGE_STACK, region);
  return { workgroupName: outputs.get('RedshiftWorkgroup')!, database: outputs.get('RedshiftDatabase')! };
}

/** Where a query runs on Redshift: a workgroup or cluster, or a deployed stack's outputs. */
export type RedshiftOptions = Pick<QueryOptions, 'workgroup' | 'cluster' | 'database' | 'secretArn' | 'dbUser' | 'stack' | 'region'>;

/** Runs `sql` on Redshift through the Data API with the caller's identity. */
export async function runOnRedshift(sql: string, o: RedshiftOptions): Promise<Row[]> {
  const target: RedshiftTarget = o.stack
    ? { ...(await stackTarget(o.stack, o.region)), secretArn: o.secretArn }
    : { workgroupName: o.workgroup, clusterIdentifier: o.cluster, database: o.database, secretArn: o.secretArn, dbUser: o.dbUser };
  const executor = new DataApiExecutor(new RedshiftDataClient(o.region ? { region: o.region } : {}), target, {
    attempts: 3,
    timeoutMs: 10 * 60 * 1000,
  });
  try {
    return await executor.query(sql);
  } catch (err) {
    if (/credential|Could not load|getaddrinfo|ECONNREFUSED|ENOTFOUND|Region is missing/i.test((err as Error).message)) {
      throw new Error(`cannot reach Redshift (${target.workgroupName ?? target.clusterIdentifier}): ${(err as Error).message}`, {
        cause: err,
      });
    }
    throw err;
  } finally {
    await executor.close();
  }
}

/**
 * Answers from the local warehouse: through the running local mode (which owns the warehouse)
 * at `apiPath`, which answers finished rows, or by running `sql` on the data folder and shaping
 * its rows with `shape` when none runs.
 */
export async function runLocally(
  apiPath: string,
  sql: string,
  o: Pick<QueryOptions, 'dataDir'>,
  shape: (rows: Row[]) => Row[] = (rows) => rows,
): Promise<Row[]> {
  const url = await runningInstance(o.dataDir);
  if (url) {
    const res = await fetch(`${url}${apiPath}`);
    const body = (await res.json()) as Row[] | { error: string };
    if (!res.ok) throw new Error((body as { error: string }).error);
    return body as Row[];
  }
  if (!existsSync(join(o.dataDir, 'warehouse')))
    throw new Error(`no local data in ${o.dataDir}: run "clickstream start" or "clickstream import" first`);
  let db: StatementExecutor | undefined;
  try {
    const data = await openData(o.dataDir);
    db = data.db;
    await data.log.close();
    return shape(await db.query(sql));
  } finally {
    await db?.close();
  }
}

export async function query(name: string | undefined, o: QueryOptions): Promise<void> {
  if (o.list || !name) {
    for (const q of listQueries()) process.stdout.write(`${q.name.padEnd(24)}${q.description}\n`);
    if (!o.list && !name) process.exitCode = 1;
    return;
  }
  const sql = renderQuery(name, { since: o.since, includeBots: o.includeBots, site: o.site });
  const params = new URLSearchParams();
  if (o.since) params.set('since', o.since);
  if (o.includeBots) params.set('include-bots', 'true');
  if (o.site !== undefined) params.set('site', o.site);
  const remote = Boolean(o.workgroup || o.cluster || o.stack);
  const spinner = ora({
    text: `running ${name} on ${remote ? 'Redshift' : 'the local warehouse'}`,
    stream: process.stderr,
    isSilent: !process.stderr.isTTY,
  }).start();
  try {
    const rows = remote ? await runOnRedshift(sql, o) : await runLocally(`/api/query/${encodeURIComponent(name)}?${params}`, sql, o);
    spinner.stop();
    process.stdout.write(formatRows(rows, o.format));
  } catch (err) {
    spinner.stop();
    throw err;
  }
}

/**
 * A Redshift Data API stand-in for tests and benchmarks: an HTTP server speaking the AWS JSON 1.1
 * protocol for the calls our executor makes (ExecuteStatement, BatchExecuteStatement,
 * DescribeStatement, GetStatementResult), so the unmodified `@aws-sdk/client-redshift-data`
 * client reaches it through its `endpoint` setting (or AWS_ENDPOINT_URL_REDSHIFT_DATA). Statements
 * run on a real PostgreSQL server; latency and faults follow {@link DataApiModel}.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'pg';
import { MAX_TRANSACTION_STATEMENTS } from '../warehouse/executor';
import type { CopySource } from './copy-from-s3';
import { seededRandom, type DataApiModel } from './model';
import type { PostgresServer } from './postgres';
import { columnMetadata, runStatement, toField, type Statement } from './statements';

/** What the stand-in saw: calls per action, refusals, statements and their SQL bytes, conflicts. */
export interface DataApiStats {
  calls: Record<string, number>;
  throttled: number;
  statements: number;
  batches: number;
  sqlBytes: number;
  failed: number;
  /** Serialization violations PostgreSQL found between concurrent transactions. */
  realConflicts: number;
  /** Serialization violations injected by the model. */
  injectedConflicts: number;
  /** PostgreSQL's own execution time, summed over statements (waits for locks included), ms. */
  executionMs: number;
  /** Time with at least one statement submitted and not finished, ms: what a Serverless warehouse bills. */
  busyMs: number;
}

/** Nothing seen yet. */
function emptyStats(): DataApiStats {
  return {
    calls: {},
    throttled: 0,
    statements: 0,
    batches: 0,
    sqlBytes: 0,
    failed: 0,
    realConflicts: 0,
    injectedConflicts: 0,
    executionMs: 0,
    busyMs: 0,
  };
}

/** A running stand-in. */
export interface DataApiStandIn {
  /** The URL to give the SDK client as `endpoint`. */
  endpoint: string;
  stats: DataApiStats;
  /** Starts counting afresh (after a setup such as the migrations). */
  resetStats(): void;
  close(): Promise<void>;
}

/** A modeled error answer: HTTP 400 with the exception's name, as AWS JSON services answer. */
class ApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** The Data API's limit on one SQL text: 100 KB (our renderers keep a margin under it, warehouse/literal.ts). */
const MAX_SQL_BYTES = 100 * 1024;

/** Rows per GetStatementResult page (the real API pages by size; a small page exercises paging). */
const PAGE_ROWS = 1000;

/** Starts the stand-in on a free loopback port, running statements on `pg` (and COPYs from `copies`, the S3 stand-in). */
export async function startDataApi(pg: PostgresServer, model: DataApiModel, copies?: CopySource): Promise<DataApiStandIn> {
  // Values stay text as PostgreSQL sends them; toField types them as the Data API does.
  const pool = new Pool({ ...pg, max: model.maxActiveStatements, types: { getTypeParser: () => (v: string) => v } });
  // An idle connection the server ends (at shutdown) is not a statement's failure.
  pool.on('error', () => undefined);
  const statements = new Map<string, Statement>();
  const stats = emptyStats();
  let active = 0;
  let busySince = 0;
  let next = 0;
  // Conflicts draw from a stream of their own, seeded from the model's: the jitter and throttling
  // draws follow the timing of the calls, which must not decide which transactions are aborted.
  const conflictDraw = seededRandom(Math.floor(model.random() * 2 ** 32));

  const submit = (sqls: string[], batch: boolean, input: Record<string, unknown>) => {
    if (!input.WorkgroupName === !input.ClusterIdentifier)
      throw new ApiError('ValidationException', 'Give exactly one of WorkgroupName and ClusterIdentifier');
    if (typeof input.Database !== 'string' || !input.Database) throw new ApiError('ValidationException', 'Database is required');
    for (const sql of sqls)
      if (typeof sql !== 'string' || !sql.trim() || Buffer.byteLength(sql) > MAX_SQL_BYTES)
        throw new ApiError('ValidationException', `Each SQL statement must be 1 to ${MAX_SQL_BYTES} bytes`);
    if (active >= model.maxActiveStatements)
      throw new ApiError('ActiveStatementsExceededException', 'The number of active statements exceeds the limit');
    const id = `00000000-0000-4000-8000-${String(++next).padStart(12, '0')}`;
    const s: Statement = {
      id,
      sqls,
      batch,
      status: 'SUBMITTED',
      createdAt: Date.now(),
      updatedAt: Date.now(),
      results: new Array(sqls.length),
      done: Promise.resolve(),
    };
    statements.set(id, s);
    if (active++ === 0) busySince = Date.now();
    stats.statements += sqls.length;
    stats.batches += batch ? 1 : 0;
    stats.sqlBytes += sqls.reduce((n, q) => n + Buffer.byteLength(q), 0);
    s.done = runStatement(pool, model, s, conflictDraw, copies).finally(() => {
      if (--active === 0) stats.busyMs += Date.now() - busySince;
      // Only DescribeStatement's QueryString still needs the text: keep its start, not megabytes of rows.
      s.sqls = s.sqls.map((q) => q.slice(0, 4096));
      stats.executionMs += s.executionMs ?? 0;
      if (s.status !== 'FAILED') return;
      stats.failed++;
      if (s.injected) stats.injectedConflicts++;
      else if (/\b1023\b/.test(s.error ?? '')) stats.realConflicts++;
    });
    const { WorkgroupName, ClusterIdentifier, Database, DbUser, SecretArn } = input;
    return { Id: id, CreatedAt: s.createdAt / 1000, Database, DbUser, SecretArn, WorkgroupName, ClusterIdentifier };
  };

  const find = (id: unknown) => {
    const [base, sub] = String(id).split(':');
    const s = statements.get(base);
    if (!s) throw new ApiError('ResourceNotFoundException', `Query ${String(id)} does not exist`);
    return { s, sub: sub === undefined ? undefined : Number(sub) - 1 };
  };

  const actions: Record<string, (input: Record<string, unknown>) => unknown> = {
    ExecuteStatement: (input) => submit([input.Sql as string], false, input),
    BatchExecuteStatement: (input) => {
      const sqls = input.Sqls;
      if (!Array.isArray(sqls) || sqls.length < 1 || sqls.length > MAX_TRANSACTION_STATEMENTS)
        throw new ApiError('ValidationException', `Sqls must hold 1 to ${MAX_TRANSACTION_STATEMENTS} statements`);
      return submit(sqls as string[], true, input);
    },
    DescribeStatement: (input) => describe(find(input.Id).s),
    GetStatementResult: (input) => {
      const { s, sub } = find(input.Id);
      if (s.batch && sub === undefined) throw new ApiError('ValidationException', 'Give a sub-statement id (Id:n) for a batch');
      const set = s.status === 'FINISHED' ? s.results[sub ?? 0] : undefined;
      if (!set) throw new ApiError('ResourceNotFoundException', `Query ${String(input.Id)} has no result set`);
      const from = input.NextToken ? Number(Buffer.from(String(input.NextToken), 'base64').toString()) : 0;
      const page = set.rows.slice(from, from + PAGE_ROWS);
      const more = from + PAGE_ROWS < set.rows.length;
      return {
        ColumnMetadata: columnMetadata(set),
        Records: page.map((row) => row.map((v, i) => toField(v, set.columns[i].typeId))),
        TotalNumRows: set.rows.length,
        ...(more ? { NextToken: Buffer.from(String(from + PAGE_ROWS)).toString('base64') } : {}),
      };
    },
  };

  const server = createServer((req, res) => {
    void handle(req, res);
  });
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const action = String(req.headers['x-amz-target'] ?? '').replace(/^RedshiftData\./, '');
    stats.calls[action] = (stats.calls[action] ?? 0) + 1;
    try {
      if (model.callMs > 0) await new Promise((r) => setTimeout(r, model.callMs));
      if (!String(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256'))
        throw new ApiError('MissingAuthenticationTokenException', 'Missing Authentication Token', 403);
      const fn = actions[action];
      if (!fn) throw new ApiError('UnknownOperationException', `Unknown operation ${action}`);
      if (model.throttleRate > 0 && model.random() < model.throttleRate) {
        stats.throttled++;
        throw new ApiError('ThrottlingException', 'Rate exceeded');
      }
      const body = JSON.stringify(fn(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}')));
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': `req-${next}` }).end(body);
    } catch (err) {
      const e = err instanceof ApiError ? err : new ApiError('InternalServerException', (err as Error).message, 500);
      res
        .writeHead(e.status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': e.type })
        .end(JSON.stringify({ __type: e.type, message: e.message }));
    }
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stats,
    resetStats: () => void Object.assign(stats, emptyStats()),
    close: async () => {
      await Promise.all([...statements.values()].map((s) => s.done));
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await pool.end();
    },
  };
}

/** DescribeStatement's answer for a statement (with SubStatements for a batch). */
function describe(s: Statement) {
  const sub = (i: number) => ({
    Id: `${s.id}:${i + 1}`,
    QueryString: s.sqls[i],
    Status: s.status === 'FAILED' ? (i === s.failedAt ? 'FAILED' : i < s.failedAt! ? 'FINISHED' : 'ABORTED') : s.status,
    HasResultSet: s.results[i] !== undefined,
    ResultRows: s.results[i]?.rows.length ?? 0,
    ...(s.status === 'FAILED' && i === s.failedAt ? { Error: s.error } : {}),
  });
  return {
    Id: s.id,
    Status: s.status,
    CreatedAt: s.createdAt / 1000,
    UpdatedAt: s.updatedAt / 1000,
    Duration: (s.updatedAt - s.createdAt) * 1e6,
    HasResultSet: !s.batch && s.results[0] !== undefined,
    ResultRows: s.batch ? -1 : (s.results[0]?.rows.length ?? 0),
    ...(s.batch ? { SubStatements: s.sqls.map((_, i) => sub(i)) } : { QueryString: s.sqls[0] }),
    ...(s.error ? { Error: s.error } : {}),
  };
}

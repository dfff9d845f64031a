/**
 * Redshift through the Data API: submit, poll DescribeStatement, fetch result pages, retry.
 * Throttling is retried with backoff; a transaction that lost a serialization conflict to a
 * concurrent writer (another partition's batch) is resubmitted whole.
 */
import {
  BatchExecuteStatementCommand,
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  type Field,
  type RedshiftDataClient,
} from '@aws-sdk/client-redshift-data';
import { MAX_TRANSACTION_STATEMENTS, type Row, type StatementExecutor } from './executor';

/** Which warehouse to talk to: a Serverless workgroup or a provisioned cluster, with a secret or IAM. */
export interface RedshiftTarget {
  database: string;
  workgroupName?: string;
  clusterIdentifier?: string;
  /** Secrets Manager secret with username and password; without it IAM temporary credentials are used. */
  secretArn?: string;
  /** Database user for provisioned clusters with IAM (GetClusterCredentials). */
  dbUser?: string;
}

/** Timing of polls and retries. */
export interface DataApiOptions {
  pollMs: number;
  maxPollMs: number;
  /** Attempts for throttled calls and conflicting transactions. */
  attempts: number;
  backoffMs: number;
  /** Upper bound on how long one statement may run before we give up waiting. */
  timeoutMs: number;
  sleep: (ms: number) => Promise<void>;
}

/** A statement the warehouse refused or aborted. */
export class StatementFailed extends Error {
  constructor(
    message: string,
    readonly statementId: string,
  ) {
    super(message);
    this.name = 'StatementFailed';
  }
}

const THROTTLED = new Set([
  'ThrottlingException',
  'ActiveStatementsExceededException',
  'ActiveSessionsExceededException',
  'ActiveWaitingRequestsExceededException',
  'TooManyRequestsException',
]);
const CONFLICT = /serializable isolation violation|concurrent transaction|1023/i;

const DEFAULTS: DataApiOptions = {
  pollMs: 50,
  // Statements take about a second: a poll every 250 ms at most sees one done soon after it is (simulation/).
  maxPollMs: 250,
  attempts: 6,
  backoffMs: 200,
  timeoutMs: 15 * 60 * 1000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** {@link StatementExecutor} over the Redshift Data API. */
export class DataApiExecutor implements StatementExecutor {
  private readonly options: DataApiOptions;

  constructor(
    private readonly client: RedshiftDataClient,
    private readonly target: RedshiftTarget,
    options: Partial<DataApiOptions> = {},
  ) {
    if (!target.workgroupName && !target.clusterIdentifier)
      throw new Error('Redshift target needs a workgroup name or a cluster identifier');
    this.options = { ...DEFAULTS, ...options };
  }

  async query(sql: string): Promise<Row[]> {
    return this.withConflictRetry(async () => {
      const { Id } = await this.call(() => this.client.send(new ExecuteStatementCommand({ ...this.location(), Sql: sql })));
      const done = await this.wait(Id!);
      return done.HasResultSet ? this.results(Id!) : [];
    });
  }

  async transaction(sqls: readonly string[]): Promise<void> {
    if (sqls.length === 0) return;
    if (sqls.length > MAX_TRANSACTION_STATEMENTS)
      throw new Error(`a transaction takes at most ${MAX_TRANSACTION_STATEMENTS} statements, got ${sqls.length}`);
    await this.withConflictRetry(async () => {
      const { Id } = await this.call(() => this.client.send(new BatchExecuteStatementCommand({ ...this.location(), Sqls: [...sqls] })));
      await this.wait(Id!);
    });
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  private location() {
    const t = this.target;
    return {
      Database: t.database,
      ...(t.workgroupName ? { WorkgroupName: t.workgroupName } : { ClusterIdentifier: t.clusterIdentifier }),
      ...(t.secretArn ? { SecretArn: t.secretArn } : {}),
      ...(t.dbUser ? { DbUser: t.dbUser } : {}),
    };
  }

  /** Polls until the statement finishes; throws {@link StatementFailed} when it failed or was aborted. */
  private async wait(id: string) {
    let delay = this.options.pollMs;
    let waited = 0;
    for (;;) {
      const d = await this.call(() => this.client.send(new DescribeStatementCommand({ Id: id })));
      if (d.Status === 'FINISHED') return d;
      if (d.Status === 'FAILED' || d.Status === 'ABORTED') {
        const failedSub = d.SubStatements?.find((s) => s.Status === 'FAILED');
        throw new StatementFailed(`Redshift statement ${d.Status.toLowerCase()}: ${d.Error ?? failedSub?.Error ?? 'no reason given'}`, id);
      }
      if (waited > this.options.timeoutMs) throw new StatementFailed(`Redshift statement still ${d.Status} after ${waited} ms`, id);
      await this.options.sleep(delay);
      waited += delay;
      delay = Math.min(this.options.maxPollMs, delay * 2);
    }
  }

  private async results(id: string): Promise<Row[]> {
    const rows: Row[] = [];
    let token: string | undefined;
    do {
      const page = await this.call(() => this.client.send(new GetStatementResultCommand({ Id: id, NextToken: token })));
      const names = (page.ColumnMetadata ?? []).map((c) => c.label || c.name || '');
      for (const record of page.Records ?? []) rows.push(Object.fromEntries(record.map((f, i) => [names[i], fieldValue(f)])));
      token = page.NextToken;
    } while (token);
    return rows;
  }

  /** Retries throttled API calls with exponential backoff. */
  private async call<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        if (!THROTTLED.has((err as Error).name) || attempt >= this.options.attempts) throw err;
        await this.options.sleep(this.options.backoffMs * 2 ** (attempt - 1));
      }
    }
  }

  /** Resubmits a statement that lost a serialization conflict. */
  private async withConflictRetry<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        if (!(err instanceof StatementFailed) || !CONFLICT.test(err.message) || attempt >= this.options.attempts) throw err;
        await this.options.sleep(this.options.backoffMs * 2 ** (attempt - 1) * (1 + Math.random()));
      }
    }
  }
}

function fieldValue(f: Field): unknown {
  if (f.isNull) return null;
  if (f.stringValue !== undefined) return f.stringValue;
  if (f.longValue !== undefined) return f.longValue;
  if (f.doubleValue !== undefined) return f.doubleValue;
  if (f.booleanValue !== undefined) return f.booleanValue;
  if (f.blobValue !== undefined) return Buffer.from(f.blobValue).toString('base64');
  return null;
}

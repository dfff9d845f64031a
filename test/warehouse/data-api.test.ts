import {
  BatchExecuteStatementCommand,
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  RedshiftDataClient,
} from '@aws-sdk/client-redshift-data';
import { mockClient } from 'aws-sdk-client-mock';
import { DataApiExecutor, StatementFailed } from '../../warehouse/data-api';
import { isDataError } from '../../warehouse/executor';

const redshift = mockClient(RedshiftDataClient);
const target = { workgroupName: 'clickstream', database: 'analytics' };
const fast = { sleep: async () => undefined };

beforeEach(() => redshift.reset());

describe('DataApiExecutor', () => {
  it('submits a query to the workgroup, polls until finished and pages through the results', async () => {
    redshift.on(ExecuteStatementCommand).resolves({ Id: 'q1' });
    redshift
      .on(DescribeStatementCommand)
      .resolvesOnce({ Status: 'SUBMITTED' })
      .resolvesOnce({ Status: 'STARTED' })
      .resolves({ Status: 'FINISHED', HasResultSet: true });
    redshift
      .on(GetStatementResultCommand, { Id: 'q1', NextToken: undefined })
      .resolves({
        ColumnMetadata: [{ name: 'day' }, { name: 'views' }],
        Records: [[{ stringValue: '2026-11-22' }, { longValue: 7 }]],
        NextToken: 't2',
      })
      .on(GetStatementResultCommand, { Id: 'q1', NextToken: 't2' })
      .resolves({ ColumnMetadata: [{ name: 'day' }, { name: 'views' }], Records: [[{ stringValue: '2026-11-23' }, { isNull: true }]] });

    const rows = await new DataApiExecutor(new RedshiftDataClient({}), target, fast).query('SELECT day, views FROM page_views_daily');

    expect(rows).toEqual([
      { day: '2026-11-22', views: 7 },
      { day: '2026-11-23', views: null },
    ]);
    expect(redshift.commandCalls(ExecuteStatementCommand)[0].args[0].input).toEqual({
      WorkgroupName: 'clickstream',
      Database: 'analytics',
      Sql: 'SELECT day, views FROM page_views_daily',
    });
    expect(redshift.commandCalls(DescribeStatementCommand)).toHaveLength(3);
  });

  it('runs a transaction as one BatchExecuteStatement on a provisioned cluster with a secret', async () => {
    redshift.on(BatchExecuteStatementCommand).resolves({ Id: 'b1' });
    redshift.on(DescribeStatementCommand).resolves({ Status: 'FINISHED' });
    const executor = new DataApiExecutor(
      new RedshiftDataClient({}),
      { clusterIdentifier: 'warehouse', database: 'dev', secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rs' },
      fast,
    );
    await executor.transaction(['DELETE FROM a', 'INSERT INTO a VALUES (1)']);
    expect(redshift.commandCalls(BatchExecuteStatementCommand)[0].args[0].input).toEqual({
      ClusterIdentifier: 'warehouse',
      Database: 'dev',
      SecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rs',
      Sqls: ['DELETE FROM a', 'INSERT INTO a VALUES (1)'],
    });
  });

  it('refuses more than 40 statements in a transaction, as the API would', async () => {
    const executor = new DataApiExecutor(new RedshiftDataClient({}), target, fast);
    await expect(executor.transaction(new Array(41).fill('SELECT 1'))).rejects.toThrow('a transaction takes at most 40 statements, got 41');
    expect(redshift.calls()).toHaveLength(0);
  });

  it('retries throttled calls with backoff', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    redshift.on(BatchExecuteStatementCommand).rejectsOnce(throttled).rejectsOnce(throttled).resolves({ Id: 'b2' });
    redshift.on(DescribeStatementCommand).resolves({ Status: 'FINISHED' });
    const waits: number[] = [];
    await new DataApiExecutor(new RedshiftDataClient({}), target, { sleep: async (ms) => void waits.push(ms), backoffMs: 100 }).transaction(
      ['SELECT 1'],
    );
    expect(redshift.commandCalls(BatchExecuteStatementCommand)).toHaveLength(3);
    expect(waits).toEqual([100, 200]);
  });

  it('resubmits the whole transaction after a serialization conflict', async () => {
    redshift.on(BatchExecuteStatementCommand).resolvesOnce({ Id: 'b1' }).resolves({ Id: 'b2' });
    redshift
      .on(DescribeStatementCommand, { Id: 'b1' })
      .resolves({
        Status: 'FAILED',
        Error: 'ERROR: 1023 DETAIL: Serializable isolation violation on table - 123456, transactions forming the cycle are: 1, 2',
      })
      .on(DescribeStatementCommand, { Id: 'b2' })
      .resolves({ Status: 'FINISHED' });
    await new DataApiExecutor(new RedshiftDataClient({}), target, fast).transaction([
      'MERGE INTO t USING s ON t.k = s.k WHEN MATCHED THEN UPDATE SET n = t.n + s.n WHEN NOT MATCHED THEN INSERT (k, n) VALUES (s.k, s.n)',
    ]);
    expect(redshift.commandCalls(BatchExecuteStatementCommand)).toHaveLength(2);
  });

  it('fails with the warehouse error for other failures, without retrying', async () => {
    redshift.on(ExecuteStatementCommand).resolves({ Id: 'q9' });
    redshift.on(DescribeStatementCommand).resolves({ Status: 'FAILED', Error: 'ERROR: relation "nope" does not exist' });
    const run = new DataApiExecutor(new RedshiftDataClient({}), target, fast).query('SELECT * FROM nope');
    await expect(run).rejects.toThrow(StatementFailed);
    await expect(run).rejects.toThrow('Redshift statement failed: ERROR: relation "nope" does not exist');
    expect(redshift.commandCalls(ExecuteStatementCommand)).toHaveLength(1);
  });
});

describe("which warehouse failures are the data's fault", () => {
  it('sets aside values Redshift or Postgres cannot hold, and retries everything else', () => {
    const redshift = (error: string) => new StatementFailed(`Redshift statement failed: ${error}`, 'stmt-1');
    expect(isDataError(redshift('ERROR: value too long for type character varying(36)'))).toBe(true);
    expect(isDataError(redshift('ERROR: invalid input syntax for type timestamp: "2026-13-01"'))).toBe(true);
    expect(isDataError(redshift('ERROR: date/time field value out of range: "0000-01-01"'))).toBe(true);
    expect(
      isDataError(
        redshift('ERROR: 1023 DETAIL: Serializable isolation violation on table - 123, transactions forming the cycle are: 1, 2'),
      ),
    ).toBe(false);
    expect(isDataError(redshift('ERROR: could not complete because of conflict with concurrent transaction'))).toBe(false);
    expect(isDataError(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }))).toBe(false);
    expect(isDataError(Object.assign(new Error('invalid input syntax'), { code: '22P02' }))).toBe(true);
    expect(isDataError(Object.assign(new Error('MERGE command cannot affect row a second time'), { code: '21000' }))).toBe(true);
    expect(isDataError(redshift('ERROR: MERGE command cannot affect row a second time'))).toBe(true);
    expect(isDataError(Object.assign(new Error('could not serialize access'), { code: '40001' }))).toBe(false);
    expect(isDataError(new Error('connect ECONNREFUSED 127.0.0.1:5432'))).toBe(false);
  });
});

/**
 * The Data API stand-in, through the unmodified SDK client and our executor: statements run on
 * real PostgreSQL, fields come back typed as the Data API types them, batches are transactions,
 * and the API's refusals arrive as the SDK's own exceptions.
 */
import {
  BatchExecuteStatementCommand,
  DescribeStatementCommand,
  ExecuteStatementCommand,
  ValidationException,
} from '@aws-sdk/client-redshift-data';
import { SIMULATED_ARCHIVE } from '../../simulation/bundle';
import { seededRandom } from '../../simulation/model';
import { copyStatement, jsonLines, s3From } from '../../warehouse/copy';
import { StatementFailed } from '../../warehouse/data-api';
import { isDataError } from '../../warehouse/executor';
import { s3CopyStage } from '../../warehouse/s3-copy-stage';
import { clientFor, describePostgres, startSimulatedRedshift, type SimulatedRedshift } from '../support/simulated-redshift';

describePostgres('Redshift Data API stand-in on PostgreSQL', () => {
  let sim: SimulatedRedshift;
  beforeAll(async () => {
    sim = await startSimulatedRedshift();
  });
  afterAll(() => sim.stop());

  it('runs a query and returns longs, doubles, booleans, decimals, timestamps and NULL as the Data API types them', async () => {
    const rows = await sim
      .executor()
      .query(
        "SELECT CAST(42 AS BIGINT) AS n, CAST(1.5 AS DOUBLE PRECISION) AS d, TRUE AS b, CAST(2.50 AS DECIMAL(5,2)) AS m, CAST('2024-03-01 10:11:12' AS TIMESTAMP) AS ts, CAST(NULL AS VARCHAR) AS nothing, 'it''s \\\\ here' AS t",
      );
    expect(rows).toEqual([{ n: 42, d: 1.5, b: true, m: '2.50', ts: '2024-03-01 10:11:12', nothing: null, t: "it's \\ here" }]);
  });

  it('pages through a large result', async () => {
    const rows = await sim.executor().query('SELECT g AS n FROM generate_series(1, 2500) AS g ORDER BY g');
    expect(rows.map((r) => r.n)).toEqual(Array.from({ length: 2500 }, (_, i) => i + 1));
    expect(sim.api.stats.calls.GetStatementResult).toBeGreaterThanOrEqual(3);
  });

  it('runs a batch as one transaction: a failing statement rolls back the ones before it', async () => {
    const db = sim.executor();
    await db.query('CREATE TABLE t_batch (id INT PRIMARY KEY, label VARCHAR(4))');
    await db.transaction(["INSERT INTO t_batch VALUES (1, 'one')", "INSERT INTO t_batch VALUES (2, 'two')"]);
    const failing = db.transaction(["INSERT INTO t_batch VALUES (3, 'three')", "INSERT INTO t_batch VALUES (4, 'too long')"]);
    await expect(failing).rejects.toThrow(StatementFailed);
    await expect(failing).rejects.toThrow(/value too long for type character varying\(4\)/);
    expect(await db.query('SELECT id FROM t_batch ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('runs a COPY from S3 of staged gzip NDJSON as Redshift would, in the transaction, and words its failures as Redshift does', async () => {
    const db = sim.executor();
    const { bucket, copyRoleArn } = SIMULATED_ARCHIVE;
    const stage = s3CopyStage(sim.s3Client(), { bucket, prefix: 'staging/test/', roleArn: copyRoleArn });
    const columns = [
      ['id', 'INTEGER'],
      ['label', 'VARCHAR(8)'],
      ['at', 'TIMESTAMP'],
      ['ok', 'BOOLEAN'],
    ] as const;
    const ddl = 'CREATE TEMP TABLE t_load (id INTEGER, label VARCHAR(8), at TIMESTAMP, ok BOOLEAN)';
    const from = await stage.put(
      jsonLines(columns, [
        [1, "it's \\", '2024-03-01 10:11:12.345', true],
        [2, null, null, false],
      ]),
    );
    await db.query('CREATE TABLE t_loaded (id INTEGER, label VARCHAR(8), at TIMESTAMP, ok BOOLEAN)');
    await db.transaction([ddl, copyStatement('t_load', from), 'INSERT INTO t_loaded SELECT * FROM t_load']);
    expect(await db.query('SELECT * FROM t_loaded ORDER BY id')).toEqual([
      { id: 1, label: "it's \\", at: '2024-03-01 10:11:12.345', ok: true },
      { id: 2, label: null, at: null, ok: false },
    ]);
    // The temporary table ended with the call's session.
    await expect(db.query('SELECT * FROM t_load')).rejects.toThrow(/t_load/);

    const tooLong = await stage.put(jsonLines(columns, [[3, 'far too long', null, true]]));
    const refused = db.transaction([ddl, copyStatement('t_load', tooLong)]);
    await expect(refused).rejects.toThrow(
      "ERROR: Load into table 't_load' failed. Check 'sys_load_error_detail' system table for details.",
    );
    expect(isDataError(await refused.catch((e: unknown) => e))).toBe(true);

    const otherRole = db.transaction([
      ddl,
      copyStatement('t_load', s3From(bucket, 'staging/test/', 'arn:aws:iam::123456789012:role/other')),
    ]);
    await expect(otherRole).rejects.toThrow(/not authorized to assume IAM Role/);
    expect(isDataError(await otherRole.catch((e: unknown) => e))).toBe(false);
    const missing = db.transaction([ddl, copyStatement('t_load', s3From(bucket, 'staging/none/', copyRoleArn))]);
    await expect(missing).rejects.toThrow("The specified S3 prefix 'staging/none/' does not exist");
  });

  it('passes Redshift DDL through the dialect step local mode uses', async () => {
    const db = sim.executor();
    await db.query('CREATE TABLE t_ddl (day DATE NOT NULL ENCODE az64, n BIGINT ENCODE az64)\nDISTSTYLE AUTO\nSORTKEY (day);');
    expect(await db.query('SELECT COUNT(*) AS n FROM t_ddl')).toEqual([{ n: 0 }]);
  });

  it("refuses what the API refuses, with the SDK's exception types", async () => {
    const client = clientFor(sim.api);
    const tooLong = `SELECT '${'x'.repeat(102_400)}'`;
    await expect(client.send(new ExecuteStatementCommand({ Sql: tooLong, Database: sim.pg.database, WorkgroupName: 'w' }))).rejects.toThrow(
      ValidationException,
    );
    await expect(client.send(new ExecuteStatementCommand({ Sql: 'SELECT 1', Database: sim.pg.database }))).rejects.toThrow(/WorkgroupName/);
    await expect(client.send(new DescribeStatementCommand({ Id: 'nope' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    const batch = (n: number) =>
      new BatchExecuteStatementCommand({ Sqls: Array(n).fill('SELECT 1'), Database: sim.pg.database, WorkgroupName: 'w' });
    await expect(client.send(batch(41))).rejects.toThrow(/1 to 40/);
    await expect(client.send(batch(0))).rejects.toThrow(ValidationException);
    client.destroy();
  });
});

describePostgres('Data API stand-in faults', () => {
  it('throttles calls and aborts transactions as the model says; the executor retries until every write lands once', async () => {
    const sim = await startSimulatedRedshift({ throttleRate: 0.05, conflictRate: 0.3, random: seededRandom(7) });
    try {
      const db = sim.executor({ attempts: 12 });
      await db.query('CREATE TABLE t_faults (id INT PRIMARY KEY)');
      for (let i = 0; i < 20; i++) await db.transaction([`INSERT INTO t_faults VALUES (${i})`, 'SELECT 1']);
      expect(await db.query('SELECT COUNT(*) AS n, SUM(id) AS s FROM t_faults')).toEqual([{ n: 20, s: 190 }]);
      expect(sim.api.stats.throttled).toBeGreaterThan(0);
      expect(sim.api.stats.injectedConflicts).toBeGreaterThan(0);
    } finally {
      await sim.stop();
    }
  });

  it('reports a real serialization conflict between concurrent writers as Redshift error 1023, which the executor resubmits', async () => {
    const sim = await startSimulatedRedshift({ latencyMs: 100, random: seededRandom(1) });
    try {
      const db = sim.executor({ attempts: 20 });
      await db.query('CREATE TABLE t_counter (id INT PRIMARY KEY, n INT NOT NULL)');
      await db.query('INSERT INTO t_counter VALUES (1, 0)');
      // Read-modify-write in parallel: under SERIALIZABLE all but one writer of each round must abort and retry.
      const bump = [
        'INSERT INTO t_counter SELECT 2, n FROM t_counter WHERE id = 1 AND n < 0',
        'UPDATE t_counter SET n = n + 1 WHERE id = 1',
      ];
      await Promise.all(Array.from({ length: 4 }, () => db.transaction(bump)));
      expect(await db.query('SELECT n FROM t_counter WHERE id = 1')).toEqual([{ n: 4 }]);
      expect(sim.api.stats.realConflicts).toBeGreaterThan(0);
    } finally {
      await sim.stop();
    }
  });
});

/**
 * The simulated AWS warehouse for tests: a real PostgreSQL server started in a temporary folder
 * and the Data API stand-in in front of it, reached by the unmodified SDK client, with the S3
 * stand-in its COPYs read from.
 */
import { RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { S3Client } from '@aws-sdk/client-s3';
import { SIMULATED_ARCHIVE } from '../../simulation/bundle';
import { startDataApi, type DataApiStandIn } from '../../simulation/data-api-server';
import { TEST_CREDENTIALS } from '../../simulation/credentials';
import { INSTANT, type DataApiModel } from '../../simulation/model';
import { postgresBinDir, startPostgres, type PostgresServer } from '../../simulation/postgres';
import { startS3, type S3StandIn } from '../../simulation/s3-server';
import { DataApiExecutor, type DataApiOptions } from '../../warehouse/data-api';
import { describeIf } from './requires';

/** `describe` for suites that need the PostgreSQL server binaries (see {@link describeIf}). */
export function describePostgres(name: string, fn: () => void): void {
  const missing = 'PostgreSQL server binaries not found: apt-get install -y postgresql (or set PG_BIN)';
  describeIf(name, { present: postgresBinDir() !== undefined, missing, require: 'REQUIRE_POSTGRES' }, fn);
}

/** The SDK client pointed at a stand-in. */
export function clientFor(api: DataApiStandIn): RedshiftDataClient {
  return new RedshiftDataClient({ endpoint: api.endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS });
}

/** A PostgreSQL server with a stand-in in front of it. */
export interface SimulatedRedshift {
  pg: PostgresServer;
  api: DataApiStandIn;
  s3: S3StandIn;
  /** An SDK client of the S3 stand-in. */
  s3Client(): S3Client;
  /** A new executor on the stand-in (the aggregator's target: a Serverless workgroup). */
  executor(options?: Partial<DataApiOptions>): DataApiExecutor;
  stop(): Promise<void>;
}

/** Starts PostgreSQL and a stand-in following `model` (instant and fault-free by default). */
export async function startSimulatedRedshift(model: Partial<DataApiModel> = {}): Promise<SimulatedRedshift> {
  const pg = await startPostgres();
  const s3 = await startS3();
  const api = await startDataApi(pg, { ...INSTANT, ...model }, { objects: s3.objects, roleArn: SIMULATED_ARCHIVE.copyRoleArn });
  const executors: DataApiExecutor[] = [];
  return {
    pg,
    api,
    s3,
    s3Client: () => new S3Client({ endpoint: s3.endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS }),
    executor: (options = {}) => {
      const e = new DataApiExecutor(
        clientFor(api),
        { workgroupName: 'clickstream', database: pg.database },
        { pollMs: 5, maxPollMs: 50, backoffMs: 5, ...options },
      );
      executors.push(e);
      return e;
    },
    stop: async () => {
      await Promise.all(executors.map((e) => e.close()));
      await api.close();
      await s3.close();
      await pg.stop();
    },
  };
}

/**
 * The aggregator Lambda as it is deployed: bundled by esbuild with the options the stack's
 * functions use (lib/constructs/node-function.ts: everything bundled, minified, CJS), then loaded
 * with the environment the stack gives it, the SDK pointed at the stand-ins by
 * AWS_ENDPOINT_URL_REDSHIFT_DATA and AWS_ENDPOINT_URL_S3. The bundle is built from the sources, so it runs unmodified code.
 */
import { buildSync } from 'esbuild';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MSKEvent } from 'aws-lambda';
import { TEST_CREDENTIALS } from './credentials';

/** A Lambda handler for MSK events. */
export type MskHandler = (event: MSKEvent) => Promise<void>;

/** Bundles `lambda/<name>/handler.ts`; returns the bundle's path. */
export function bundleLambda(name: string): string {
  const outfile = join(mkdtempSync(join(tmpdir(), 'clickstream-bundle-')), `${name}.js`);
  buildSync({
    entryPoints: [join(__dirname, '..', 'lambda', name, 'handler.ts')],
    bundle: true,
    minify: true,
    sourcemap: true,
    platform: 'node',
    format: 'cjs',
    target: `node${process.versions.node.split('.')[0]}`,
    outfile,
    logLevel: 'error',
  });
  return outfile;
}

/** The archive bucket and the role the simulated namespace assumes for COPY. */
export const SIMULATED_ARCHIVE = {
  bucket: 'clickstream-archive-simulated',
  copyRoleArn: 'arn:aws:iam::123456789012:role/clickstream-copy',
};

/** The stand-ins' endpoints. */
export interface StandInEndpoints {
  dataApi: string;
  s3: string;
}

/**
 * Loads the bundled aggregator with its stack environment, talking to the stand-ins. Every other
 * AWS endpoint points at a closed loopback port, so nothing can leave the machine.
 */
export function loadAggregator(bundle: string, endpoints: StandInEndpoints, database: string): MskHandler {
  Object.assign(process.env, {
    REDSHIFT_WORKGROUP: 'clickstream',
    REDSHIFT_DATABASE: database,
    REDSHIFT_COPY_ROLE_ARN: SIMULATED_ARCHIVE.copyRoleArn,
    ARCHIVE_BUCKET: SIMULATED_ARCHIVE.bucket,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    AWS_ENDPOINT_URL_REDSHIFT_DATA: endpoints.dataApi,
    AWS_ENDPOINT_URL_S3: endpoints.s3,
    POWERTOOLS_LOG_LEVEL: 'WARN',
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
  // A fresh module each time, as a new Lambda environment: its SDK client reads the environment when created.
  delete require.cache[bundle];
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the bundle is built at run time
  return (require(bundle) as { handler: MskHandler }).handler;
}

/** Rows staged in S3 for Redshift's COPY (warehouse/copy.ts): one gzip NDJSON object per load. */
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { s3From, type CopyStage } from './copy';

// The fastest level: the object lives for seconds, and the Lambda's CPU is the scarcer resource.
const gzipAsync = promisify(gzip);

/** Where staged objects go and who reads them. */
export interface S3CopyStageOptions {
  bucket: string;
  /** Key prefix (a lifecycle rule expires it: the objects matter only until the COPY has run). */
  prefix: string;
  /** The role the warehouse assumes to read them (attached to the Redshift namespace). */
  roleArn: string;
}

/**
 * A stage in S3. Each load gets a new key: a retried batch never reads an object another
 * attempt is still writing, and nothing is overwritten.
 */
export function s3CopyStage(client: S3Client, { bucket, prefix, roleArn }: S3CopyStageOptions): CopyStage {
  return {
    put: async (ndjson) => {
      const key = `${prefix}${randomUUID()}.json.gz`;
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: await gzipAsync(ndjson, { level: 1 }),
          ContentType: 'application/x-ndjson',
          ContentEncoding: 'gzip',
        }),
      );
      return s3From(bucket, key, roleArn);
    },
  };
}

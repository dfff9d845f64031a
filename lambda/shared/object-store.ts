/** Where archive objects go: S3 in AWS, a local folder in the same key layout in local mode. */
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ArchiveObject } from '../archiver/archive';

/** Writes one object; writing the same key again replaces it. */
export interface ObjectStore {
  put(object: ArchiveObject): Promise<void>;
}

/** An S3 bucket (SSE from the bucket's default encryption). */
export function s3Store(client: S3Client, bucket: string): ObjectStore {
  return {
    put: async ({ key, body }) => {
      await client.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/x-ndjson', ContentEncoding: 'gzip' }),
      );
    },
  };
}

/** A folder on disk; files are written to a temporary name and renamed, so a crash never leaves half an object. */
export function folderStore(root: string): ObjectStore {
  return {
    put: async ({ key, body }) => {
      const path = join(root, key);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(`${path}.tmp`, body);
      await rename(`${path}.tmp`, path);
    },
  };
}

/** Archive readers for {@link replayArchive}: an S3 bucket, or local mode's archive folder (same key layout). */
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { readdir, readFile } from 'node:fs/promises';
import { join, sep } from 'node:path';
import type { ObjectSource } from './replay';

const ARCHIVE_SUFFIX = '.ndjson.gz';

/** An S3 bucket: paged listing, whole-object reads. */
export function s3Source(client: S3Client, bucket: string): ObjectSource {
  return {
    async list(prefix) {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
        for (const o of page.Contents ?? []) if (o.Key?.endsWith(ARCHIVE_SUFFIX)) keys.push(o.Key);
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return keys.sort();
    },
    async get(key) {
      const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      if (!out.Body) throw new Error(`s3://${bucket}/${key} has no body`);
      return Buffer.from(await out.Body.transformToByteArray());
    },
  };
}

/** A folder in the archive's key layout, listed to any depth as S3 lists a prefix; a missing folder has no objects. */
export function folderSource(root: string): ObjectSource {
  return {
    async list(prefix) {
      let names: string[];
      try {
        names = await readdir(join(root, prefix), { recursive: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw err;
      }
      return names
        .filter((n) => n.endsWith(ARCHIVE_SUFFIX))
        .map((n) => prefix + n.split(sep).join('/'))
        .sort();
    },
    get: (key) => readFile(join(root, key)),
  };
}

/**
 * `clickstream forget --user ID | --party ID`: removes a person's event-level data from every
 * store (warehouse raw events and memberships, the search index, the archive) and reports what
 * it removed; counters stay as anonymous counts. Local mode, or a deployed stack with --stack.
 */
import { RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { S3Client } from '@aws-sdk/client-s3';
import { join } from 'node:path';
import { folderStore, s3Store } from '../../lambda/shared/object-store';
import { openData } from '../../local/mode';
import { forget, personOf, type ForgetReport, type Person } from '../../privacy/forget';
import { forgetInSearch } from '../../privacy/search';
import { folderSource, s3Source } from '../../replay/object-sources';
import { DataApiExecutor } from '../../warehouse/data-api';
import { INDEX_PREFIX } from '../../contract';
import { runningInstance } from '../instance';
import { stackOutputs, STORAGE_STACK } from '../stack-outputs';

export interface ForgetOptions {
  user?: string;
  party?: string;
  dataDir: string;
  stack?: string;
  region?: string;
  searchEndpoint?: string;
}

/** The report as lines a person reads. */
export function describe(report: ForgetReport, notes: string[] = []): string {
  const tables = Object.entries(report.warehouse)
    .filter(([, n]) => n > 0)
    .map(([t, n]) => `${t} ${n}`);
  return [
    `visitor ids: ${report.visitorIds.length ? report.visitorIds.join(', ') : '(none found)'}`,
    `warehouse rows removed: ${tables.length ? tables.join(', ') : 'none'}`,
    `archive: ${report.archive.linesRemoved} lines removed, ${report.archive.objectsRewritten} of ${report.archive.objectsRead} objects rewritten`,
    ...(report.search !== undefined ? [`search index: ${report.search} documents removed`] : []),
    ...notes,
  ]
    .map((l) => `${l}\n`)
    .join('');
}

async function onAws(person: Person, o: ForgetOptions): Promise<string> {
  const outputs = await stackOutputs(o.stack!, ['RedshiftWorkgroup', 'RedshiftDatabase', 'ArchiveBucket'], STORAGE_STACK, o.region);
  const [workgroupName, database, bucket] = ['RedshiftWorkgroup', 'RedshiftDatabase', 'ArchiveBucket'].map((k) => outputs.get(k)!);
  const db = new DataApiExecutor(new RedshiftDataClient(o.region ? { region: o.region } : {}), { workgroupName, database });
  const s3 = new S3Client(o.region ? { region: o.region } : {});
  const searchable = outputs.has('OpenSearchEndpoint');
  try {
    const report = await forget(
      {
        db,
        archive: { source: s3Source(s3, bucket), store: s3Store(s3, bucket) },
        search: o.searchEndpoint ? (ids) => forgetInSearch(o.searchEndpoint!, INDEX_PREFIX, ids) : undefined,
      },
      person,
    );
    const notes =
      searchable && !o.searchEndpoint
        ? ['search index: not reached; run it again with --search-endpoint (see clickstream search-proxy)']
        : [];
    return describe(report, [...notes, 'Kafka keeps the events until its retention (msk.retentionHours) expires them']);
  } finally {
    await db.close();
  }
}

async function locally(person: Person, dataDir: string): Promise<string> {
  const note = 'the local log keeps the events until its retention trims them (LOCAL_LOG_RETENTION_HOURS)';
  const url = await runningInstance(dataDir);
  if (url) {
    const query = new URLSearchParams('user' in person ? { user: person.user } : { party: person.party });
    const res = await fetch(`${url}/api/forget?${query}`, { method: 'POST' });
    const body = (await res.json()) as ForgetReport & { error?: string };
    if (!res.ok) throw new Error(`local mode refused: ${body.error ?? res.status}`);
    return describe(body, [note]);
  }
  const { db, log } = await openData(dataDir);
  try {
    const archive = join(dataDir, 'archive');
    return describe(await forget({ db, archive: { source: folderSource(archive), store: folderStore(archive) } }, person), [note]);
  } finally {
    await log.close();
    await db.close();
  }
}

export async function forgetCommand(o: ForgetOptions): Promise<void> {
  const person = personOf(o);
  process.stdout.write(o.stack ? await onAws(person, o) : await locally(person, o.dataDir));
}

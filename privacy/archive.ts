/**
 * Forgetting a person in the archive: every object is read, and one holding a line of theirs is
 * written again without it. Event lines are matched by visitor or user id; bad-event lines
 * (payloads as received, not parsed) by any of those ids appearing in the text. The archive has
 * no index by person, so this reads it all: hours on a large S3 archive.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import type { ObjectStore } from '../lambda/shared/object-store';
import type { ObjectSource } from '../replay/replay';

/** What was removed from the archive. */
export interface ArchiveForgetResult {
  objectsRead: number;
  objectsRewritten: number;
  linesRemoved: number;
}

/** Removes the person's lines from every object under `events/` and `bad/`. */
export async function forgetInArchive(
  source: ObjectSource,
  store: ObjectStore,
  ids: { parties: readonly string[]; user?: string },
): Promise<ArchiveForgetResult> {
  const parties = new Set(ids.parties);
  const needles = [...ids.parties, ...(ids.user !== undefined ? [ids.user] : [])].filter((n) => n !== '');
  const result: ArchiveForgetResult = { objectsRead: 0, objectsRewritten: 0, linesRemoved: 0 };
  for (const prefix of ['events/', 'bad/']) {
    for (const key of await source.list(prefix)) {
      result.objectsRead++;
      const lines = gunzipSync(await source.get(key))
        .toString('utf8')
        .split('\n')
        .filter(Boolean);
      const kept = lines.filter((line) => {
        if (prefix === 'bad/') return !needles.some((n) => line.includes(n));
        const e = JSON.parse(line) as { partyId?: string; userId?: string };
        return !(parties.has(e.partyId ?? '') || (ids.user !== undefined && e.userId === ids.user));
      });
      if (kept.length === lines.length) continue;
      result.linesRemoved += lines.length - kept.length;
      result.objectsRewritten++;
      await store.put({ key, body: gzipSync(kept.length ? `${kept.join('\n')}\n` : ''), records: kept.length });
    }
  }
  return result;
}

/**
 * The S3 archive layout: gzip NDJSON, partitioned by event date and hour, one object per
 * topic-partition and first offset. A replayed batch starts at the same committed offset as
 * the batch it repeats (Lambda retries and bisects a batch; local mode resumes from its
 * commit), so its objects overwrite the earlier ones, whatever its length: a longer replay
 * writes a superset under the same key, a bisected half a subset whose rest lands under the
 * other half's first offset. Bad events (rejected upstream, or undecodable here) go under
 * their own prefix.
 */
import { gzipSync } from 'node:zlib';
import type { MSKEvent } from 'aws-lambda';
import { decodeMskEvent, type PartitionBatch } from '../shared/msk-event';

/** One object to write. */
export interface ArchiveObject {
  key: string;
  body: Buffer;
  records: number;
}

const pad = (n: number) => String(n).padStart(12, '0');

function hourOf(iso: string): [date: string, hour: string] {
  const d = new Date(iso).toISOString();
  return [d.slice(0, 10), d.slice(11, 13)];
}

interface Line {
  folder: string;
  line: string;
  offset: number;
}

/** Groups lines by folder into one gzip object each, named by the first offset it holds. */
function objects(lines: Line[]): ArchiveObject[] {
  const groups = new Map<string, { lines: string[]; first: number }>();
  for (const l of lines) {
    const g = groups.get(l.folder);
    if (!g) groups.set(l.folder, { lines: [l.line], first: l.offset });
    else {
      g.lines.push(l.line);
      g.first = Math.min(g.first, l.offset);
    }
  }
  return [...groups].map(([folder, g]) => ({
    key: `${folder}-${pad(g.first)}.ndjson.gz`,
    body: gzipSync(`${g.lines.join('\n')}\n`),
    records: g.lines.length,
  }));
}

/**
 * Objects for decoded partitions of the events topic. Valid events are archived as received
 * (one JSON per line) under `events/`; bad records (failed to decode, or refused downstream)
 * go under `badPrefix` with their reason.
 */
export function archiveObjects(batches: PartitionBatch[], badPrefix = 'bad'): ArchiveObject[] {
  return objects(
    batches.flatMap((b) =>
      b.records.map((r): Line => {
        const [folder, time, line] =
          'event' in r
            ? ['events', r.event.receivedTimestamp, JSON.stringify(r.event)]
            : [badPrefix, r.bad.receivedTimestamp, JSON.stringify(r.bad)];
        const [date, hour] = hourOf(time);
        return { folder: `${folder}/dt=${date}/hr=${hour}/${b.topic}-${b.partition}`, line, offset: r.offset };
      }),
    ),
  );
}

/** Objects for raw records of the bad-events topic, which hold bad events already (kept byte for byte). */
export function archiveBadTopic(
  records: { topic: string; partition: number; offset: number; timestamp: number; value: Buffer }[],
): ArchiveObject[] {
  return objects(
    records.map((r) => {
      const [date, hour] = hourOf(new Date(r.timestamp).toISOString());
      return { folder: `bad/dt=${date}/hr=${hour}/${r.topic}-${r.partition}`, line: r.value.toString('utf8'), offset: r.offset };
    }),
  );
}

/** Every object for one MSK invocation that may mix the events topic and the bad-events topic. */
export function archiveMskEvent(event: MSKEvent, badTopic: string): ArchiveObject[] {
  const groups = Object.entries(event.records ?? {});
  const bad = groups
    .filter(([, rs]) => rs[0]?.topic === badTopic)
    .flatMap(([, rs]) => rs.map((r) => ({ ...r, value: Buffer.from(r.value, 'base64') })));
  const good = Object.fromEntries(groups.filter(([, rs]) => rs[0]?.topic !== badTopic));
  return [...archiveBadTopic(bad), ...archiveObjects(decodeMskEvent({ ...event, records: good }, 'archiver'))];
}

/**
 * Draining the failure topic once: a consumer group reads every partition from its committed
 * offset up to the end offsets seen at the start, hands each batch to `handle`, and commits
 * after each batch succeeded. Records that arrive meanwhile wait for the next run; a run cut
 * short resumes from its last commit.
 */
import type { Kafka } from 'kafkajs';

/** The consumer group that remembers how far the failure topic was replayed. */
export const REPLAYER_GROUP = 'clickstream-replayer';

/** How far a drain got. */
export interface DrainProgress {
  records: number;
  /** True when every partition was read to the end offsets seen at the start. */
  done: boolean;
}

/** Reads `topic` as `groupId` up to its current end; stops early when `keepGoing` turns false. */
export async function drainTopic(
  kafka: Kafka,
  topic: string,
  groupId: string,
  handle: (values: Buffer[], where: string) => Promise<void>,
  keepGoing: () => boolean,
): Promise<DrainProgress> {
  const admin = kafka.admin();
  await admin.connect();
  let ends: Map<number, bigint>;
  let committed: Map<number, bigint>;
  try {
    ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)]));
    const [group] = await admin.fetchOffsets({ groupId, topics: [topic] });
    committed = new Map(group.partitions.map((p) => [p.partition, BigInt(p.offset)]));
  } finally {
    await admin.disconnect();
  }
  const pending = new Set([...ends].filter(([p, end]) => (committed.get(p) ?? -1n) < end && end > 0n).map(([p]) => p));
  if (pending.size === 0) return { records: 0, done: true };

  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
  let records = 0;
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      // A failing batch ends the drain with its error (kafkajs would otherwise retry it in the background).
      const finish = (err?: unknown) => {
        clearInterval(timer);
        if (err) reject(err instanceof Error ? err : new Error(String(err)));
        else resolve();
      };
      const timer = setInterval(() => {
        if (!keepGoing()) finish();
      }, 1000);
      consumer
        .run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
            try {
              const end = ends.get(batch.partition) ?? 0n;
              const messages = batch.messages.filter((m) => BigInt(m.offset) < end);
              if (messages.length > 0) {
                await handle(
                  messages.map((m) => m.value ?? Buffer.alloc(0)),
                  `${topic}-${batch.partition}@${messages[0].offset}`,
                );
                const next = BigInt(messages[messages.length - 1].offset) + 1n;
                await consumer.commitOffsets([{ topic, partition: batch.partition, offset: String(next) }]);
                for (const m of messages) resolveOffset(m.offset);
                records += messages.length;
                if (next >= end) pending.delete(batch.partition);
              } else if (batch.messages.length > 0) pending.delete(batch.partition);
              await heartbeat();
            } catch (err) {
              finish(err);
              throw err;
            }
            if (pending.size === 0) finish();
          },
        })
        .catch(finish);
    });
  } finally {
    await consumer.disconnect();
  }
  return { records, done: pending.size === 0 };
}

/**
 * Freshness as a user of the warehouse sees it: how long after an event was written to Kafka it
 * is visible in the aggregate tables. The aggregates and a partition's watermark commit in one
 * transaction, so the moment a watermark passes an offset is the moment that event's counts
 * are visible. The watch reads the watermarks straight from PostgreSQL (not through the Data API,
 * whose figures it would disturb) every `everyMs`.
 */
import { Client } from 'pg';
import type { TopicLog } from './event-source-mapping';
import type { PostgresServer } from './postgres';

/** When one event became visible, and how long after it was written. */
export interface Visibility {
  visibleAt: number;
  freshnessMs: number;
}

/** A running watch: `stop()` returns every record's visibility, in no set order. */
export interface FreshnessWatch {
  /** Records not yet visible, now. */
  lag(): number;
  stop(): Promise<Visibility[]>;
}

/** Starts watching `log`'s topic. */
export async function watchFreshness(pg: PostgresServer, log: TopicLog, everyMs = 50): Promise<FreshnessWatch> {
  const client = new Client(pg);
  await client.connect();
  // A serializable reader would take part in the writers' conflict checks and abort some of them.
  await client.query('SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED');
  const visible = log.records.map(() => 0);
  const samples: Visibility[] = [];
  let running = true;
  const poll = async () => {
    const { rows } = await client.query<{ kafka_partition: number; next_offset: string }>(
      'SELECT kafka_partition, next_offset FROM stream_offsets WHERE topic = $1',
      [log.topic],
    );
    const now = Date.now();
    for (const r of rows) {
      const p = Number(r.kafka_partition);
      const next = Number(r.next_offset);
      for (let o = visible[p]; o < next; o++) samples.push({ visibleAt: now, freshnessMs: now - log.writtenAt[p][o] });
      visible[p] = Math.max(visible[p], next);
    }
  };
  const loop = (async () => {
    while (running) {
      await poll();
      await new Promise((r) => setTimeout(r, everyMs));
    }
    await poll();
  })();
  return {
    lag: () => log.records.reduce((n, list, p) => n + list.length - visible[p], 0),
    stop: async () => {
      running = false;
      await loop;
      await client.end();
      return samples;
    },
  };
}

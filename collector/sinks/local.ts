/** The local-mode sink: the durable on-disk log standing in for Kafka. */
import { DurableLog } from '../../durable-log/log';
import type { Topics } from '../../contract';
import type { LocalSinkConfig } from '../config';
import type { Sink } from './sink';

/** Opens the durable log with the events topic partitioned as configured and one bad-events partition. */
export async function openLocalSink(config: LocalSinkConfig, topics: Topics): Promise<Sink & { log: DurableLog }> {
  const log = await DurableLog.open(config.dir, { [topics.events]: config.partitions, [topics.bad]: 1 });
  return { log, write: (topic, records) => log.append(topic, records), close: () => log.close() };
}

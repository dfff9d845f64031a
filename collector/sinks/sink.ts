import type { KafkaRecord } from '../../contract';

/** Where accepted and rejected events go. `write` resolves only once the records are durable. */
export interface Sink {
  write(topic: string, records: KafkaRecord[]): Promise<void>;
  close(): Promise<void>;
}

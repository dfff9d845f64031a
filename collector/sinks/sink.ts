import type { KafkaRecord } from '../../contract';

/** Where accepted and rejected events go. `write` resolves only once the records are durable. */
export interface Sink {
  write(topic: string, records: KafkaRecord[]): Promise<void>;
  close(): Promise<void>;
  /** False while the sink is still connecting (health answers 503); a sink without it is always ready. */
  isReady?(): boolean;
}

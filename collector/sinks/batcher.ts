/**
 * Linger batching: records written within `lingerMs` of each other go out in one send, and
 * each caller's promise settles with the send that carried its records.
 */
import type { KafkaRecord } from '../../contract';

/** Sends one batch of records per topic; resolves when the broker acknowledged them all. */
export type BatchSend = (batch: Map<string, KafkaRecord[]>) => Promise<void>;

interface Waiter {
  resolve: () => void;
  reject: (err: Error) => void;
}

/** Collects writes for `lingerMs`, then hands them to `send` together. */
export class Batcher {
  private batch = new Map<string, KafkaRecord[]>();
  private waiters: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly send: BatchSend,
    private readonly lingerMs: number,
  ) {}

  /** Queues records for the next batch. */
  write(topic: string, records: KafkaRecord[]): Promise<void> {
    const list = this.batch.get(topic);
    if (list) list.push(...records);
    else this.batch.set(topic, [...records]);
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.timer ??= setTimeout(() => this.flush(), this.lingerMs);
    });
  }

  /** Sends what is queued now and waits for every send still in flight. */
  async drain(): Promise<void> {
    this.flush();
    await Promise.allSettled([...this.inFlight]);
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.waiters.length === 0) return;
    const batch = this.batch;
    const waiters = this.waiters;
    this.batch = new Map();
    this.waiters = [];
    const sent = this.send(batch).then(
      () => waiters.forEach((w) => w.resolve()),
      (err: Error) => waiters.forEach((w) => w.reject(err)),
    );
    this.inFlight.add(sent);
    void sent.finally(() => this.inFlight.delete(sent));
  }
}

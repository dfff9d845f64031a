/**
 * The hand-off from a request to the sink: bounded, timed, and observable. A request is
 * answered 2xx only after `write` resolved, i.e. after the sink made its records durable.
 */
import type { KafkaRecord } from '../contract';
import type { Metrics } from './metrics';
import type { Sink } from './sinks/sink';

/** The sink cannot take the records now; the client should retry (HTTP 503). */
export class Unavailable extends Error {}

/** Wraps a sink with a bound on buffered events, a timeout and a health flag. */
export class HandOff {
  private healthy = true;

  constructor(
    private readonly sink: Sink,
    private readonly metrics: Metrics,
    private readonly maxBuffered: number,
    private readonly timeoutMs: number,
  ) {}

  /** False after a failed or timed-out write, until a write completes again. */
  isHealthy(): boolean {
    return this.healthy;
  }

  /**
   * Writes records and resolves when they are durable. Throws {@link Unavailable} when the
   * buffer is full, the sink fails, or it does not answer in time. Memory stays bounded: the
   * buffered count only drops when the sink settles, even after a timeout answered the client.
   */
  async write(topic: string, records: KafkaRecord[]): Promise<void> {
    if (this.metrics.buffered + records.length > this.maxBuffered) {
      throw new Unavailable(`collector buffer is full (${this.maxBuffered} events waiting for the sink)`);
    }
    this.metrics.buffered += records.length;
    const started = performance.now();
    const written = this.sink.write(topic, records).then(
      () => {
        this.healthy = true;
        this.metrics.observeSink(performance.now() - started);
      },
      (err: Error) => {
        this.healthy = false;
        throw new Unavailable(`sink write failed: ${err.message}`);
      },
    );
    void written.catch(() => undefined).finally(() => {
      this.metrics.buffered -= records.length;
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.healthy = false;
        reject(new Unavailable(`sink did not confirm within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
    });
    try {
      await Promise.race([written, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

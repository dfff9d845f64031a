/**
 * The hand-off from a request to the sink: bounded, timed, and observable. A request is
 * answered 2xx only after `write` resolved, i.e. after the sink made its records durable.
 */
import type { KafkaRecord } from '../contract';
import { Unavailable } from './errors';
import type { Metrics } from './metrics';
import type { Sink } from './sinks/sink';

interface Waiting {
  deadline: number;
  reject: (err: Error) => void;
}

/** Wraps a sink with a bound on buffered events, a timeout and a health flag. */
export class HandOff {
  private healthy = true;
  /** Writes the sink has not confirmed yet, oldest first (all share one timeout, so also by deadline). */
  private readonly waiting = new Set<Waiting>();
  private watchdog: NodeJS.Timeout | undefined;

  constructor(
    private readonly sink: Sink,
    private readonly metrics: Metrics,
    private readonly maxBuffered: number,
    private readonly timeoutMs: number,
  ) {}

  /** False while the sink is connecting, and after a failed or timed-out write until a write completes again. */
  isHealthy(): boolean {
    return this.healthy && (this.sink.isReady?.() ?? true);
  }

  /** False while the sink is still connecting. */
  isConnecting(): boolean {
    return !(this.sink.isReady?.() ?? true);
  }

  /**
   * Writes records and resolves when they are durable. Rejects with {@link Unavailable} when the
   * buffer is full, the sink fails, or it does not answer in time. Memory stays bounded: the
   * buffered count only drops when the sink settles, even after a timeout answered the client.
   */
  write(topic: string, records: KafkaRecord[]): Promise<void> {
    const count = records.length;
    if (this.metrics.buffered + count > this.maxBuffered) {
      return Promise.reject(new Unavailable(`collector buffer is full (${this.maxBuffered} events waiting for the sink)`));
    }
    this.metrics.buffered += count;
    const started = performance.now();
    return new Promise<void>((resolve, reject) => {
      const waiting: Waiting = { deadline: started + this.timeoutMs, reject };
      this.waiting.add(waiting);
      this.watch();
      this.sink.write(topic, records).then(
        () => {
          this.metrics.buffered -= count;
          this.healthy = true;
          this.metrics.observeSink(performance.now() - started);
          if (this.waiting.delete(waiting)) resolve();
        },
        (err: Error) => {
          this.metrics.buffered -= count;
          this.healthy = false;
          if (this.waiting.delete(waiting)) reject(new Unavailable(`sink write failed: ${err.message}`));
        },
      );
    });
  }

  /**
   * Times out writes the sink has not confirmed. One timer checks them all, a tenth of the
   * timeout apart, while any are waiting: a timer per request would cost more than the write.
   */
  private watch(): void {
    if (this.watchdog) return;
    this.watchdog = setInterval(
      () => {
        const now = performance.now();
        for (const w of this.waiting) {
          if (w.deadline > now) break;
          this.waiting.delete(w);
          this.healthy = false;
          w.reject(new Unavailable(`sink did not confirm within ${this.timeoutMs} ms`));
        }
        if (this.waiting.size === 0) {
          clearInterval(this.watchdog);
          this.watchdog = undefined;
        }
      },
      Math.max(5, this.timeoutMs / 10),
    );
  }
}

/**
 * A sink that connects in the background: the collector listens at once and answers /health
 * with 503 while the connection is being made, retrying with capped exponential backoff, so a
 * broker that is unreachable at start does not make every new task exit (which would trip the
 * ECS deployment circuit breaker).
 */
import type { KafkaRecord } from '../../contract';
import type { Log } from '../endpoints/context';
import type { Sink } from './sink';

/** Backoff between connection attempts. */
export interface ConnectBackoff {
  /** @default 500 */
  initialMs?: number;
  /** @default 30000 */
  maxMs?: number;
}

/** Wraps `open` (which connects and returns a ready sink) with background retries. */
export class ConnectingSink implements Sink {
  private sink: Sink | undefined;
  private closed = false;
  private lastError: Error | undefined;
  private timer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  /** Settles once connected, or when closed before that. */
  readonly connected: Promise<void>;

  constructor(
    private readonly open: () => Promise<Sink>,
    private readonly log: Log,
    private readonly backoff: ConnectBackoff = {},
  ) {
    this.connected = this.connect();
  }

  /** True once connected. */
  isReady(): boolean {
    return this.sink !== undefined;
  }

  write(topic: string, records: KafkaRecord[]): Promise<void> {
    if (this.sink) return this.sink.write(topic, records);
    return Promise.reject(new Error(`not connected to the sink yet${this.lastError ? ` (last attempt: ${this.lastError.message})` : ''}`));
  }

  /** Stops retrying, lets an attempt in flight finish (a late connection is closed at once), closes the sink. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.wake?.();
    await this.connected;
    await this.sink?.close();
  }

  private async connect(): Promise<void> {
    let delay = this.backoff.initialMs ?? 500;
    for (let attempt = 1; !this.closed; attempt++) {
      try {
        const sink = await this.open();
        if (this.closed) return void (await sink.close());
        this.sink = sink;
        this.log.info('sink connected', { attempt });
        return;
      } catch (err) {
        this.lastError = err as Error;
        this.log.warn('sink connection failed; retrying', { attempt, error: (err as Error).message, retryInMs: delay });
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.timer = setTimeout(resolve, delay);
      });
      delay = Math.min(delay * 2, this.backoff.maxMs ?? 30_000);
    }
  }
}

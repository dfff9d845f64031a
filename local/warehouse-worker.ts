/**
 * Local mode's warehouse in a worker thread, seen from the main thread: a StatementExecutor for
 * the dashboard and the commands, and the aggregator's `handle` for its consumer.
 * PGlite and the aggregation run in the worker, so the collector on the main thread
 * keeps answering while the processors work; the durable log stays the hand-off between them.
 */
import type { MSKEvent } from 'aws-lambda';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Row, StatementExecutor } from '../warehouse/executor';

/** The processors whose cores run in the worker. */
export type WarehouseProcessor = 'aggregator';

/** What the main thread asks of the worker. */
export type ThreadRequest = { id: number } & Ask;

/** A request without its id. */
type Ask =
  | { kind: 'handle'; processor: WarehouseProcessor; event: MSKEvent; follows?: number }
  | { kind: 'query'; sql: string }
  | { kind: 'transaction'; sqls: readonly string[] }
  | { kind: 'close' };

/** The worker's answer to one request. */
export type ThreadReply = { id: number; value?: unknown; error?: { message: string; code?: string } };

/**
 * The worker's young generation: a batch's decoded events and rows live until it is written, and
 * with V8's default (48 MB) they were copied through several scavenges. 64 MB made the import 3 %
 * faster; 192 MB, 7 % more, for 90 MB more memory.
 */
const YOUNG_GENERATION_MB = 64;

/**
 * The cap on the worker's old generation. Uncapped, V8 let it grow to several hundred MB of
 * garbage under the import's allocation rate; capped, it collects sooner. The 300,000-line import
 * peaked 110–190 MB lower, as fast. What the worker keeps alive is two batches (about 30 MB) and
 * the answers to dashboard queries, which are bounded (LIMIT): far below the cap.
 */
const OLD_GENERATION_MB = 384;

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };

/** The warehouse worker of one data folder. */
export class WarehouseWorker implements StatementExecutor {
  private readonly pending = new Map<number, Pending>();
  private next = 1;
  /** The handle request in flight, if any: the next one runs after it, and only if it succeeds. */
  private handling: number | undefined;
  /** Why the worker is gone, once it is: every later request fails with it instead of waiting forever. */
  private gone: Error | undefined;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (reply: ThreadReply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if (reply.error) p.reject(Object.assign(new Error(reply.error.message), reply.error.code ? { code: reply.error.code } : {}));
      else p.resolve(reply.value);
    });
    worker.on('error', (err) => this.failAll(err));
    worker.on('exit', (code) => this.failAll(new Error(`the warehouse worker exited (${code})`)));
  }

  /** Starts the worker and waits until its warehouse is open and migrated. */
  static async open(dataDir: string): Promise<WarehouseWorker> {
    const worker = new Worker(join(__dirname, 'warehouse-thread.js'), {
      workerData: { dataDir },
      resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB, maxOldGenerationSizeMb: OLD_GENERATION_MB },
    });
    const w = new WarehouseWorker(worker);
    await new Promise<void>((resolve, reject) => w.pending.set(0, { resolve: () => resolve(), reject }));
    return w;
  }

  /**
   * Runs a processor's core on one batch in the worker. A batch handed over while the one before
   * it is in flight is queued behind it there, and fails without running if that one fails: a
   * later batch must never move a watermark past records that were not applied.
   */
  handle(processor: WarehouseProcessor, event: MSKEvent): Promise<void> {
    const id = this.next;
    const reply = this.ask({ kind: 'handle', processor, event, follows: this.handling });
    this.handling = id;
    return (reply as Promise<void>).finally(() => {
      if (this.handling === id) this.handling = undefined;
    });
  }

  query(sql: string): Promise<Row[]> {
    return this.ask({ kind: 'query', sql }) as Promise<Row[]>;
  }

  async transaction(sqls: readonly string[]): Promise<void> {
    await this.ask({ kind: 'transaction', sqls });
  }

  async close(): Promise<void> {
    await this.ask({ kind: 'close' });
    await this.worker.terminate();
  }

  private ask(request: Ask): Promise<unknown> {
    const id = this.next++;
    if (this.gone) return Promise.reject(this.gone);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...request, id });
    });
  }

  private failAll(err: Error): void {
    this.gone ??= err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}

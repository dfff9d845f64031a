/**
 * The worker-thread side of local mode's warehouse: PGlite, the migrations and indexes, and the
 * aggregator's core run here, off the collector's event loop. The main thread
 * sends MSK-shaped batches and dashboard queries; every answer carries the request's id.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { join } from 'node:path';
import { TOPICS } from '../contract';
import { folderStore } from '../lambda/shared/object-store';
import { migrate } from '../warehouse/migrations';
import { PgliteExecutor } from '../warehouse/pglite';
import { createLocalIndexes } from './indexes';
import { aggregator } from './processors';
import type { ThreadRequest, ThreadReply } from './warehouse-worker';

async function main(): Promise<void> {
  const { dataDir } = workerData as { dataDir: string };
  const db = await PgliteExecutor.open(join(dataDir, 'warehouse'));
  await migrate(db, 'postgres');
  await createLocalIndexes(db);
  const archive = folderStore(join(dataDir, 'archive'));
  const processors = {
    aggregator: aggregator(db, TOPICS, archive),
  };
  const port = parentPort!;
  // The last batch handed over: a batch that follows it waits for it, and runs only if it succeeded.
  let last: { id: number; done: Promise<void> } | undefined;
  port.on('message', (request: ThreadRequest) => {
    const run = async (): Promise<unknown> => {
      switch (request.kind) {
        case 'handle': {
          const { follows, processor, event } = request;
          if (follows !== undefined && last?.id !== follows) throw new Error(`the batch before (${follows}) is unknown here`);
          const done =
            follows === undefined ? processors[processor].handle(event) : last!.done.then(() => processors[processor].handle(event));
          last = { id: request.id, done };
          return done;
        }
        case 'query':
          return db.query(request.sql);
        case 'transaction':
          return db.transaction(request.sqls);
        case 'close':
          await db.close();
          return undefined;
      }
    };
    run().then(
      (value) => port.postMessage({ id: request.id, value } satisfies ThreadReply),
      (err: Error & { code?: string }) =>
        port.postMessage({ id: request.id, error: { message: err.message, code: err.code } } satisfies ThreadReply),
    );
  });
  port.postMessage({ id: 0, value: 'ready' } satisfies ThreadReply);
}

main().catch((err: Error) => parentPort!.postMessage({ id: 0, error: { message: err.message } } satisfies ThreadReply));

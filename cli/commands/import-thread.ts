/**
 * The thread `clickstream import` runs in (import.ts starts it): the import's progress and its
 * outcome go to the main thread as messages.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runImport, type ImportCommandOptions, type ImportSummary } from './import-run';

/** What the import thread tells the main thread. */
export type ImportMessage =
  | { kind: 'started'; totalBytes: number }
  | { kind: 'progressed'; bytesRead: number; events: number }
  | { kind: 'done'; summary: ImportSummary }
  | { kind: 'failed'; message: string };

const port = parentPort!;
const { file, options } = workerData as { file: string; options: ImportCommandOptions };
const tell = (m: ImportMessage) => port.postMessage(m);

runImport(file, options, {
  started: (totalBytes) => tell({ kind: 'started', totalBytes }),
  progressed: (bytesRead, events) => tell({ kind: 'progressed', bytesRead, events }),
}).then(
  (summary) => tell({ kind: 'done', summary }),
  (err: Error) => tell({ kind: 'failed', message: err.message }),
);

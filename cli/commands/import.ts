/**
 * `clickstream import`: runs the import (import-run.ts) in a worker thread whose heap is capped,
 * and shows its progress. A process cannot cap its own main thread's heap once started, and
 * uncapped, V8 let the import's garbage grow the heap to 150–210 MB; capped, it collects sooner.
 */
import { SingleBar } from 'cli-progress';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ImportCommandOptions, ImportSummary } from './import-run';
import type { ImportMessage } from './import-thread';

export type { ImportCommandOptions } from './import-run';

/**
 * The import thread's heap. What it keeps alive is a chunk being converted, the batches the
 * consumers hold and the archiver's files, far below the cap. On 200,000 lines this took the
 * peak from 812 to 716 MB, as fast; 128/16 MB took it to 695 MB and was 7 % slower.
 */
const IMPORT_HEAP = { maxOldGenerationSizeMb: 192, maxYoungGenerationSizeMb: 32 };

/** A progress bar over the file's bytes, with events imported, their rate and the time left. */
function progressBar(file: string): { bar: SingleBar; update: (bytes: number, events: number) => void } {
  const bar = new SingleBar({
    format: `importing ${file} [{bar}] {percentage}% | {events} events | {rate} events/s | ETA {eta_formatted}`,
    stream: process.stderr,
    noTTYOutput: false,
    hideCursor: true,
    etaBuffer: 50,
  });
  const started = Date.now();
  return {
    bar,
    update: (bytes, events) => {
      const seconds = Math.max(0.001, (Date.now() - started) / 1000);
      bar.update(bytes, { events, rate: Math.round(events / seconds) });
    },
  };
}

/** Runs the import thread to its end, showing its progress; resolves with what it did. */
function runInThread(file: string, options: ImportCommandOptions): Promise<ImportSummary> {
  const worker = new Worker(join(__dirname, 'import-thread.js'), { workerData: { file, options }, resourceLimits: IMPORT_HEAP });
  const { bar, update } = progressBar(file);
  let shown = false;
  return new Promise<ImportSummary>((resolve, reject) => {
    worker.on('message', (m: ImportMessage) => {
      if (m.kind === 'started') {
        shown = true;
        bar.start(m.totalBytes, 0, { events: 0, rate: 0 });
      } else if (m.kind === 'progressed') update(m.bytesRead, m.events);
      else if (m.kind === 'done') resolve(m.summary);
      else reject(new Error(m.message));
    });
    // A thread that dies (its heap cap reached, say) leaves what it appended and its checkpoint behind.
    worker.on('error', (err) => reject(new Error(`the import stopped: ${err.message}; run it again to finish it`, { cause: err })));
    worker.on('exit', (code) => reject(new Error(`the import stopped unexpectedly (thread exit code ${code}); run it again to finish it`)));
  }).finally(() => {
    if (shown) bar.stop();
    return worker.terminate();
  });
}

/** Imports `file`, then says how many events it held and which rows were skipped. */
export async function importFile(file: string, o: ImportCommandOptions): Promise<void> {
  const { events, appendedBefore: before, skipped, firstErrors } = await runInThread(file, o);
  for (const e of firstErrors) process.stderr.write(`skipped ${e}\n`);
  if (skipped > firstErrors.length) process.stderr.write(`… and ${skipped - firstErrors.length} more skipped rows\n`);
  const earlier = before > 0 ? ` (${before === events ? 'all' : before} appended by an earlier run)` : '';
  process.stdout.write(`imported ${events} events from ${file}${earlier}${skipped ? `, skipped ${skipped} rows` : ''}\n`);
}

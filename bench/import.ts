/**
 * Local mode's import at scale: the public Apache log repeated N times (each copy four days
 * after the one before, so the log stays in time order), imported end to end by `clickstream
 * import` into a fresh data folder, beside a baseline from the same run: reading and parsing
 * the same file alone. Peak RSS is the child's high-water mark from /proc (its worker thread
 * included). Making the warehouse template, once per machine, is measured on its own.
 */
import { spawn } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseCombined } from '../cli/importers/apache';

const ROOT = join(__dirname, '..');
const APACHE = join(ROOT, 'datasets/elastic-apache-logs/apache_logs');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY = 86400e3;

/** The log `copies` times, the k-th copy shifted by 4k days (its time stamps rewritten). */
function repeatedLog(copies: number, file: string): number {
  const lines = readFileSync(APACHE, 'utf8').trimEnd().split('\n');
  const out: string[] = [];
  for (let k = 0; k < copies; k++) {
    for (const line of lines) {
      out.push(
        line.replace(/\[(\d{2})\/(\w{3})\/(\d{4}):/, (_, d: string, m: string, y: string) => {
          const t = new Date(Date.UTC(Number(y), MONTHS.indexOf(m), Number(d)) + 4 * k * DAY);
          return `[${String(t.getUTCDate()).padStart(2, '0')}/${MONTHS[t.getUTCMonth()]}/${t.getUTCFullYear()}:`;
        }),
      );
    }
  }
  writeFileSync(file, `${out.join('\n')}\n`);
  return out.length;
}

/** Reading and parsing the file alone: the floor an import cannot beat. */
async function parseOnly(file: string): Promise<number> {
  const t0 = Date.now();
  let n = 0;
  for await (const line of createInterface({ input: createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 }) }))
    if (typeof parseCombined(line, ++n) === 'string') throw new Error(`line ${n} did not parse`);
  return Date.now() - t0;
}

/** Runs a Node script to its end; resolves with its time and the peak RSS it reached. */
function measured(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ ms: number; peakMb: number }> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'ignore'], env });
    let peakKb = 0;
    const sample = setInterval(() => {
      readFile(`/proc/${child.pid}/status`, 'utf8').then(
        (s) => (peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(s)?.[1] ?? 0))),
        () => undefined,
      );
    }, 100);
    child.once('exit', (code) => {
      clearInterval(sample);
      if (code !== 0) reject(new Error(`${args.join(' ')} exited with ${code}`));
      else resolve({ ms: Date.now() - t0, peakMb: Math.round(peakKb / 1024) });
    });
  });
}

export async function benchImport(copies = Number(process.env.IMPORT_COPIES ?? 100)): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cs-bench-import-'));
  try {
    const file = join(dir, `apache_logs_x${copies}`);
    const lines = repeatedLog(copies, file);
    const parseMs = await parseOnly(file);
    // Once per machine, a new data folder's empty cluster is made in a child process (warehouse/pglite-template.ts).
    const template = await measured([join(ROOT, 'warehouse/pglite-template-maker.js'), join(dir, 'template.tar.gz')]);
    const run = await measured([
      join(ROOT, 'bin/clickstream.js'),
      'import',
      file,
      '--format',
      'apache-combined',
      '--data-dir',
      join(dir, 'data'),
    ]);
    const rate = (ms: number) => Math.round((lines / ms) * 1000);
    console.log('\n## Local mode: import');
    console.log(
      `file                : the Apache log ×${copies} (${lines.toLocaleString('en')} lines; IMPORT_COPIES sets the copies, 100 by default: the 1,000,000-line target)`,
    );
    console.log(`read + parse only   : ${rate(parseMs)} lines/s (baseline, same run)`);
    console.log(
      `end to end          : ${rate(run.ms)} events/s (${(run.ms / 1000).toFixed(1)} s: convert, log, aggregate, raw events, archive; ${((100 * parseMs) / run.ms).toFixed(1)} % of it reading and parsing; target ≥ 20000)`,
    );
    console.log(`peak RSS            : ${run.peakMb} MB (target ≤ 600)`);
    console.log(
      `once per machine    : the empty warehouse template, made in its own process: ${(template.ms / 1000).toFixed(1)} s, ${template.peakMb} MB peak RSS`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Aggregator core throughput (decode + pre-aggregate + render SQL, one core) and what a
 * 10,000-event batch costs on the warehouse: transactions (BatchExecuteStatement calls),
 * other statements (ExecuteStatement calls), SQL bytes.
 */
import { buildSync } from 'esbuild';
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { applyBatch } from '../lambda/aggregator/apply';
import { TABLES } from '../lambda/aggregator/tables';
import { decodeMskEvent, toMskEvent } from '../lambda/shared/msk-event';
import { PROCESSOR_V8_FLAGS } from '../lambda/shared/node-options';
import type { StatementExecutor } from '../warehouse/executor';
import { streamsetsEvents } from '../test/support/datasets';
import { freshWarehouse, toLog } from '../test/support/warehouse';
import type { CoreFigures } from './aggregator-core';

/**
 * Bundles the core measurement as esbuild bundles the Lambda functions: run from TypeScript
 * sources, every imported binding would be read through a getter on the hot path. The bundle
 * sits two folders below the root, like test/support, so the dataset path it resolves holds.
 */
function bundleCore(): string {
  const outfile = join(__dirname, '.build', 'aggregator-core.js');
  buildSync({
    entryPoints: [join(__dirname, 'aggregator-core.ts')],
    bundle: true,
    platform: 'node',
    target: `node${process.versions.node.split('.')[0]}`,
    external: ['@electric-sql/pglite', 'geoip-country'],
    outfile,
    logLevel: 'error',
  });
  return outfile;
}

/** Runs the core measurement in a child with the flags the Lambda functions get. */
function measureCore(bundle: string, flags: readonly string[]): Promise<CoreFigures> {
  return new Promise((resolve, reject) => {
    const child = fork(bundle, [], { execArgv: [...flags] });
    child.once('message', (m) => resolve(m as CoreFigures));
    child.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`aggregator core bench exited with ${code}`))));
  });
}

export async function benchAggregator(): Promise<void> {
  const bundle = bundleCore();
  const core = await measureCore(bundle, PROCESSOR_V8_FLAGS);
  const defaults = await measureCore(bundle, []);
  const rate = (us: number) => (1e6 / us).toFixed(0);

  const events = streamsetsEvents();
  const batch = decodeMskEvent(toMskEvent(toLog(events).slice(0, 10000)), 'bench');
  const db = await freshWarehouse();
  let queries = 0;
  let transactions = 0;
  const counting: StatementExecutor = {
    query: (sql) => (queries++, db.query(sql)),
    transaction: (sqls) => (transactions++, db.transaction(sqls)),
    close: () => db.close(),
  };
  const t0 = Date.now();
  const result = await applyBatch(counting, 'clickstream', batch);
  const applyMs = Date.now() - t0;
  await db.close();

  console.log('\n## Aggregator');
  console.log(
    `core throughput     : ${rate(core.planUs)} events/s on one core (dedupe, pre-aggregate ${TABLES.length - 1} tables, render SQL: ${core.planUs.toFixed(2)} µs/event; target ≥ 100000)`,
  );
  console.log(
    `with the decoder    : ${rate(core.decodeUs + core.planUs)} events/s (base64 + JSON + contract validation add ${core.decodeUs.toFixed(2)} µs/event)`,
  );
  console.log(
    `  both with the Lambda's ${PROCESSOR_V8_FLAGS.join(' ')}; V8 defaults: ${rate(defaults.planUs)} and ${rate(defaults.decodeUs + defaults.planUs)} events/s (${core.events} events)`,
  );
  console.log(
    `per 10,000 events   : ${transactions} BatchExecuteStatement + ${queries} ExecuteStatement calls, ${result.statements} statements, ${(result.sqlBytes / 1024).toFixed(0)} KiB of SQL`,
  );
  console.log(`applied on PGlite   : ${applyMs} ms for 10,000 events`);
}

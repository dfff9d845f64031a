/**
 * Aggregator core throughput (decode + pre-aggregate + render SQL, one core) and what a
 * 10,000-event batch costs on the warehouse: transactions (BatchExecuteStatement calls),
 * other statements (ExecuteStatement calls), SQL bytes.
 */
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { applyBatch } from '../lambda/aggregator/apply';
import { decodeMskEvent, toMskEvent } from '../lambda/shared/msk-event';
import { PROCESSOR_V8_FLAGS } from '../lambda/shared/node-options';
import type { StatementExecutor } from '../lambda/warehouse/executor';
import { streamsetsEvents } from '../test/support/datasets';
import { freshWarehouse, toLog } from '../test/support/warehouse';
import type { CoreFigures } from './aggregator-core';

/** Runs the core measurement in a child with the flags the Lambda functions get. */
function measureCore(flags: readonly string[]): Promise<CoreFigures> {
  return new Promise((resolve, reject) => {
    const child = fork(join(__dirname, 'aggregator-core.ts'), [], { execArgv: ['--import', 'tsx', ...flags] });
    child.once('message', (m) => resolve(m as CoreFigures));
    child.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`aggregator core bench exited with ${code}`))));
  });
}

export async function benchAggregator(): Promise<void> {
  const core = await measureCore(PROCESSOR_V8_FLAGS);
  const defaults = await measureCore([]);
  const rate = (f: CoreFigures) => 1e6 / (f.decodeUs + f.planUs);

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
  console.log(`core throughput     : ${rate(core).toFixed(0)} events/s on one core (target ≥ 100000), with the Lambda's ${PROCESSOR_V8_FLAGS.join(' ')}`);
  console.log(`  per event         : decode ${core.decodeUs.toFixed(2)} µs + dedupe, aggregate 17 tables and render SQL ${core.planUs.toFixed(2)} µs (${core.events} events)`);
  console.log(`  V8 default heap   : ${rate(defaults).toFixed(0)} events/s`);
  console.log(`per 10,000 events   : ${transactions} BatchExecuteStatement + ${queries} ExecuteStatement calls, ${result.statements} statements, ${(result.sqlBytes / 1024).toFixed(0)} KiB of SQL`);
  console.log(`applied on PGlite   : ${applyMs} ms for 10,000 events`);
}

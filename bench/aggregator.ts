/**
 * Aggregator core throughput (decode + pre-aggregate + render SQL, one core) and what a
 * 10,000-event batch costs on the warehouse: transactions (BatchExecuteStatement calls),
 * other statements (ExecuteStatement calls), SQL bytes.
 */
import { planStatements, applyBatch } from '../lambda/aggregator/apply';
import { decodeMskEvent, toMskEvent } from '../lambda/shared/msk-event';
import type { StatementExecutor } from '../lambda/warehouse/executor';
import { streamsetsEvents } from '../test/support/datasets';
import { freshWarehouse, toLog } from '../test/support/warehouse';

export async function benchAggregator(): Promise<void> {
  const base = streamsetsEvents();
  const events = Array.from({ length: 6 }, (_, i) => base.map((e) => ({ ...e, eventId: `${e.eventId.slice(0, 24)}${String(i).padStart(12, '0')}`, sessionId: `${e.sessionId}-${i}` }))).flat();
  const log = toLog(events);
  const batches = [];
  for (let i = 0; i < log.length; i += 10000) batches.push(toMskEvent(log.slice(i, i + 10000)));

  // Warm up, then time the pure core over all batches.
  planStatements('clickstream', decodeMskEvent(batches[0], 'bench'), new Date());
  const started = process.hrtime.bigint();
  for (const b of batches) planStatements('clickstream', decodeMskEvent(b, 'bench'), new Date());
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;

  const db = await freshWarehouse();
  let queries = 0;
  let transactions = 0;
  const counting: StatementExecutor = {
    query: (sql) => (queries++, db.query(sql)),
    transaction: (sqls) => (transactions++, db.transaction(sqls)),
    close: () => db.close(),
  };
  const batch = decodeMskEvent(batches[0], 'bench');
  const t0 = Date.now();
  const result = await applyBatch(counting, 'clickstream', batch);
  const applyMs = Date.now() - t0;
  await db.close();

  console.log('\n## Aggregator');
  console.log(`core throughput     : ${(events.length / seconds).toFixed(0)} events/s on one core (decode + aggregate + SQL; target ≥ 100000)`);
  console.log(`per 10,000 events   : ${transactions} BatchExecuteStatement + ${queries} ExecuteStatement calls, ${result.statements} statements, ${(result.sqlBytes / 1024).toFixed(0)} KiB of SQL`);
  console.log(`applied on PGlite   : ${applyMs} ms for 10,000 events`);
}

import { produceAt, quantile, simulateAwsPath } from '../simulation/aws-path';
import { distinctCopies, streamsetsEvents } from '../test/support/datasets';
process.on('exit', (c) => console.log('exit', c));
(async () => {
  const events = distinctCopies(streamsetsEvents(), 1).slice(0, 5000);
  const r = await simulateAwsPath({ model: {}, mapping: { batchSize: 1000, windowMs: 500 }, produce: (log) => produceAt(log, events, 2000) });
  console.log(r.events, r.elapsedMs, quantile(r.freshnessMs, 0.95), r.api, r.mapping.invocations, r.mapping.failedInvocations);
})().catch((e) => { console.error('ERR', e); process.exit(1); });

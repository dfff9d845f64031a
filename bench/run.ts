/** `npm run bench`: prints every figure with its target; ratios come from baselines measured in the same run. */
import { benchAggregator } from './aggregator';
import { benchAwsPath } from './aws-path';
import { benchCollector } from './collector';
import { benchFreshness } from './freshness';
import { benchImport } from './import';
import { benchLocalIngest } from './local-ingest';
import { benchTracker } from './tracker';

async function main(): Promise<void> {
  const only = process.argv[2];
  if (!only || only === 'tracker') benchTracker();
  if (!only || only === 'aggregator') await benchAggregator();
  if (!only || only === 'freshness') {
    await benchFreshness();
    await benchFreshness(40, 2000);
  }
  if (!only || only === 'collector') await benchCollector();
  if (!only || only === 'import') await benchImport();
  if (!only || only === 'local-ingest') await benchLocalIngest();
  if (!only || only === 'aws-path') await benchAwsPath();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

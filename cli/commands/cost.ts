/** `clickstream cost`: the monthly cost model of the AWS deployment at a few event rates, for this folder's cdk.json. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mergeSettings } from '../../lib/config';
import { costTable } from '../../lib/cost';

/** Prints the cost table for `rates` with the settings of `./cdk.json` (the defaults where it sets none). */
export function cost(rates: number[], dir = process.cwd()): void {
  const file = join(dir, 'cdk.json');
  const context = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as { context?: { clickstream?: unknown } }).context?.clickstream
    : undefined;
  process.stdout.write(`${costTable(mergeSettings(context), rates)}\n`);
}

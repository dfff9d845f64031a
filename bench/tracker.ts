/** Tracker size: the whole minified bundle, gzipped (budget 4 KB). */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { buildTracker } from '../tracker/build';

export function benchTracker(): void {
  const code = readFileSync(buildTracker());
  const gz = gzipSync(code, { level: 9 }).length;
  console.log('\n## Tracker');
  console.log(`clickstream.js      : ${code.length} bytes minified, ${gz} bytes gzipped (budget 4096)`);
}

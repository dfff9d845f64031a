import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** Every NDJSON line of every gzip object below `dir` (an archive folder in the S3 key layout). */
export function archivedLines(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.ndjson.gz')) out.push(...gunzipSync(readFileSync(p)).toString().split('\n').filter(Boolean));
    }
  };
  walk(dir);
  return out;
}

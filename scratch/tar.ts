import { PGlite } from '@electric-sql/pglite';
import { readFileSync, writeFileSync } from 'node:fs';
const mb = (n: number) => Math.round(n / 1048576);
const show = (l: string) => { const m = process.memoryUsage(); const s = readFileSync('/proc/self/status', 'utf8'); console.log(l, 'rss', mb(m.rss), 'hwm', Math.round(Number(/VmHWM:\s+(\d+)/.exec(s)![1]) / 1024), 'ext', mb(m.external)); };
(async () => {
  if (process.argv[2] === 'make') {
    const db = await PGlite.create();
    const blob = await db.dumpDataDir('gzip');
    writeFileSync('/tmp/prof/empty.tgz', Buffer.from(await blob.arrayBuffer()));
    console.log('size', blob.size);
    return;
  }
  show('start');
  const db = await PGlite.create(process.argv[3], { loadDataDir: new Blob([readFileSync('/tmp/prof/empty.tgz')]) });
  show('open');
  await db.query('select 1');
  await db.close();
})();

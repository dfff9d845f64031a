import { PGlite } from '@electric-sql/pglite';
const mb = (n: number) => Math.round(n / 1048576);
const show = (l: string, db?: any) => { const m = process.memoryUsage(); const s = require('fs').readFileSync('/proc/self/status', 'utf8'); console.log(l, 'rss', mb(m.rss), 'hwm', Math.round(Number(/VmHWM:\s+(\d+)/.exec(s)![1]) / 1024), 'heap', mb(m.heapTotal), 'ext', mb(m.external), 'ab', mb(m.arrayBuffers), 'wasm', db ? mb(db.mod.HEAPU8.length) : '-'); };
(async () => {
  show('start');
  const extra = (process.env.PGX ?? '').split(' ').filter(Boolean).flatMap((x) => ['-c', x]);
  const db = await PGlite.create(process.argv[2], { startParams: [...PGlite.defaultStartParams, ...extra] });
  show('open', db);
  console.log((await db.query<any>('SHOW shared_buffers')).rows);
  await db.close(); show('closed');
})();

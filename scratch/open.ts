import { PGlite } from '@electric-sql/pglite';
const mb = (n: number) => Math.round(n / 1048576);
const show = (l: string) => { const m = process.memoryUsage(); const s = require('fs').readFileSync('/proc/self/status', 'utf8'); console.log(l, 'rss', mb(m.rss), 'hwm', Math.round(Number(/VmHWM:\s+(\d+)/.exec(s)![1]) / 1024), 'heap', mb(m.heapTotal), 'ext', mb(m.external), 'ab', mb(m.arrayBuffers)); };
(async () => {
  show('start');
  const db = await PGlite.create(process.argv[2]);
  show('open');
  (globalThis as any).gc?.(); show('gc');
  await db.close(); show('closed');
})();

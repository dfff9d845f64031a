import { PGlite } from '@electric-sql/pglite';
(async () => {
  const db = await PGlite.create();
  for (const s of ['shared_buffers', 'wal_level', 'full_page_writes', 'max_wal_size', 'checkpoint_timeout', 'work_mem', 'maintenance_work_mem', 'wal_buffers', 'temp_buffers', 'fsync', 'synchronous_commit', 'effective_cache_size'])
    console.log(s, (await db.query<any>(`SHOW ${s}`)).rows[0][s]);
  console.log((db as any).mod.HEAPU8.length / 1048576, 'MiB wasm');
})();

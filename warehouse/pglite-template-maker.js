// Child process of pglite-template.ts: runs initdb in memory and writes the empty cluster,
// gzipped, to the file named by its argument; its memory goes back to the system when it exits.
const { writeFile } = require('node:fs/promises');
const { PGlite } = require('@electric-sql/pglite');

(async () => {
  const db = await PGlite.create();
  const tarball = await db.dumpDataDir('gzip');
  await db.close();
  await writeFile(process.argv[2], Buffer.from(await tarball.arrayBuffer()));
})().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exit(1);
});

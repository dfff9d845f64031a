// Runs this project's TypeScript through tsx, so no build step is needed, and leaves the
// dependencies to Node: tsx would otherwise recompile every published JavaScript file it loads,
// which Node runs as it is (PGlite's 0.5 MB bundle alone cost each thread about 45 MB of memory).
// Required first by the `clickstream` command and by local mode's warehouse worker thread.
const Module = require('node:module');
const { sep } = require('node:path');

const nodeLoader = Module._extensions['.js'];
const dependency = `${sep}node_modules${sep}`;
require('tsx/cjs');
for (const extension of ['.js', '.cjs']) {
  const tsxLoader = Module._extensions[extension];
  Module._extensions[extension] = (module, filename) => (filename.includes(dependency) ? nodeLoader : tsxLoader)(module, filename);
}

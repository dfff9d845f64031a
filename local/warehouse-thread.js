// Entry of local mode's warehouse worker thread: TypeScript through tsx, as the CLI runs.
require('tsx/cjs');
require('./warehouse-thread.ts');

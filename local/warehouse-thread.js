// Entry of local mode's warehouse worker thread: TypeScript run as the CLI runs it.
require('../bin/typescript-sources');
require('./warehouse-thread.ts');

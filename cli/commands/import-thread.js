// Entry of the `clickstream import` thread: TypeScript run as the CLI runs it.
require('../../bin/typescript-sources');
require('./import-thread.ts');

#!/usr/bin/env node
// The `clickstream` command: runs the TypeScript CLI through tsx, so no build step is needed.
require('tsx/cjs');
require('../cli/main.ts');

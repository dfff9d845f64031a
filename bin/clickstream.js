#!/usr/bin/env node
// The `clickstream` command: the TypeScript CLI, run as it is (typescript-sources.js).
require('./typescript-sources');
require('../cli/main.ts');

#!/usr/bin/env node
/** The CDK app: `cdk synth` / `cdk deploy`. Configuration comes from the `clickstream` key of cdk.json's context. */
import { App } from 'aws-cdk-lib';
import { buildApp } from '../lib/app';
import { ConfigError, loadConfig } from '../lib/config';

const app = new App();
try {
  buildApp(app, loadConfig(app.node.tryGetContext('clickstream')));
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`cdk.json: ${err.message}\n`);
    process.exit(1);
  }
  throw err;
}

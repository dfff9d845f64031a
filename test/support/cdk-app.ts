import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, type ClickstreamStacks } from '../../lib/app';
import { loadConfig } from '../../lib/config';

/** The app as `cdk synth` builds it: same context as cdk.json, plus `overrides` for the clickstream key. */
export function synthApp(overrides: Record<string, unknown> = {}): { app: App; stacks: ClickstreamStacks; templates: Record<keyof ClickstreamStacks, Template>; outdir: string } {
  const cdkJson = JSON.parse(readFileSync(join(__dirname, '../../cdk.json'), 'utf8')) as { context: Record<string, unknown> };
  const outdir = mkdtempSync(join(tmpdir(), 'cs-cdk-'));
  const context = { ...cdkJson.context, clickstream: { ...(cdkJson.context.clickstream as object), ...overrides } };
  const app = new App({ outdir, context });
  const stacks = buildApp(app, loadConfig(context.clickstream));
  app.synth();
  const templates = Object.fromEntries(Object.entries(stacks).map(([k, s]) => [k, Template.fromStack(s)])) as Record<keyof ClickstreamStacks, Template>;
  return { app, stacks, templates, outdir };
}

/** A template with asset hashes and bundle-dependent values replaced, for snapshots. */
export function stableTemplate(t: Template): unknown {
  return JSON.parse(
    JSON.stringify(t.toJSON())
      .replace(/[0-9a-f]{64}(\.zip|\.json)?/g, '<asset-hash>$1')
      .replace(/"MigrationsHash":"[0-9a-f]+"/g, '"MigrationsHash":"<hash>"'),
  );
}

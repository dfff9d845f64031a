import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, type ClickstreamStacks } from '../../lib/app';
import { loadConfig } from '../../lib/config';

/**
 * What a user following the README's deploy section sets: the collector on their own domain in
 * a Route 53 zone (HTTPS with a DNS-validated certificate), accepting events from their site.
 */
export const USER_SETTINGS = {
  collector: {
    domainName: 'collect.example.com',
    hostedZoneId: 'Z0123456789ABCDEFGHIJ',
    hostedZoneName: 'example.com',
    allowedOrigins: 'https://www.example.com',
  },
};

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const deepMerge = (a: Json, b: Json): Json =>
  Object.fromEntries(
    [...new Set([...Object.keys(a), ...Object.keys(b)])].map((k) => [
      k,
      isObject(a[k]) && isObject(b[k]) ? deepMerge(a[k], b[k]) : k in b ? b[k] : a[k],
    ]),
  );

/** The `clickstream` context: cdk.json's, then {@link USER_SETTINGS}, then `overrides` (merged key by key). */
export function clickstreamContext(overrides: Json = {}): Json {
  const cdkJson = JSON.parse(readFileSync(join(__dirname, '../../cdk.json'), 'utf8')) as { context: Json };
  return deepMerge(deepMerge(cdkJson.context.clickstream as Json, USER_SETTINGS), overrides);
}

/** The app as `cdk synth` builds it: same context as cdk.json, with the user's settings and `overrides` for the clickstream key. */
export function synthApp(overrides: Json = {}): {
  app: App;
  stacks: ClickstreamStacks;
  templates: Record<keyof ClickstreamStacks, Template>;
  outdir: string;
} {
  const cdkJson = JSON.parse(readFileSync(join(__dirname, '../../cdk.json'), 'utf8')) as { context: Json };
  const outdir = mkdtempSync(join(tmpdir(), 'cs-cdk-'));
  const context = { ...cdkJson.context, clickstream: clickstreamContext(overrides) };
  const app = new App({ outdir, context });
  const stacks = buildApp(app, loadConfig(context.clickstream));
  app.synth();
  const templates = Object.fromEntries(Object.entries(stacks).map(([k, s]) => [k, Template.fromStack(s)])) as Record<
    keyof ClickstreamStacks,
    Template
  >;
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

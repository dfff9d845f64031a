/**
 * `clickstream replay`: publishes events again through the same path, for the stores to absorb.
 * - From the archive, for a time range: local mode (the running instance, or the data folder
 *   directly), or a deployed stack through its replayer function (MSK is reachable only from
 *   the VPC).
 * - From the failure topic of a deployed stack (`--failed`).
 * The aggregator (with the raw events it stores) and the indexer keep the first copy of each
 * event id, so replaying twice, or a range that was never lost, changes no count.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { join } from 'node:path';
import ora from 'ora';
import { folderStore } from '../../lambda/shared/object-store';
import type { ReplayRequest, ReplayResponse } from '../../lambda/replayer/handler';
import { LogConsumer } from '../../local/consumer';
import { openData } from '../../local/mode';
import { localProcessors } from '../../local/processors';
import { replayLocal } from '../../local/replay';
import { parseRange, type TimeRange } from '../../replay/range';
import type { ReplayProgress } from '../../replay/replay';
import { runningInstance } from '../instance';
import { stackOutputs } from '../stack-outputs';

export interface ReplayOptions {
  since?: string;
  until?: string;
  failed?: boolean;
  dataDir: string;
  stack?: string;
  function?: string;
  region?: string;
}

/** The replayer function a deployed processing stack reports in its outputs. */
async function replayerOf(stack: string, region?: string): Promise<string> {
  const outputs = await stackOutputs(stack, ['ReplayerFunction'], 'the clickstream processing stack (e.g. ClickstreamProcessing)', region);
  return outputs.get('ReplayerFunction')!;
}

/** Invokes the replayer until it says it is done, resuming where each invocation stopped. */
async function replayOnAws(fn: string, first: ReplayRequest, o: ReplayOptions, say: (text: string) => void): Promise<string> {
  const lambda = new LambdaClient(o.region ? { region: o.region } : {});
  let request = first;
  let events = 0;
  for (let round = 1; ; round++) {
    say(`replaying through ${fn} (invocation ${round}, ${events} events so far)`);
    const out = await lambda.send(new InvokeCommand({ FunctionName: fn, Payload: Buffer.from(JSON.stringify(request)) }));
    const text = Buffer.from(out.Payload ?? new Uint8Array()).toString('utf8');
    if (out.FunctionError) {
      const error = (JSON.parse(text || '{}') as { errorMessage?: string }).errorMessage ?? text;
      throw new Error(`the replayer failed after ${events} events: ${error}; run the same command again to continue`);
    }
    const reply = JSON.parse(text) as ReplayResponse;
    events += reply.events;
    if (reply.done) {
      return 'records' in reply
        ? `replayed ${reply.events} events from the failure topic${reply.bad ? `; ${reply.bad} unreadable records went to the bad-events topic` : ''}`
        : `replayed ${events} archived events`;
    }
    if (request.source === 'archive' && 'resumeAfter' in reply) request = { ...request, resumeAfter: reply.resumeAfter };
  }
}

/** Replays into the data folder directly, then runs the processors until they caught up. */
async function replayIntoDataFolder(dataDir: string, range: TimeRange): Promise<ReplayProgress> {
  const { log, db, topics } = await openData(dataDir);
  try {
    const progress = await replayLocal(log, dataDir, range);
    const consumers = localProcessors(db, topics, folderStore(join(dataDir, 'archive'))).map(
      (p) => new LogConsumer(log, p, join(dataDir, 'offsets', `${p.name}.json`)),
    );
    for (const c of consumers) await c.open();
    for (const c of consumers) while (await c.poll());
    return progress;
  } finally {
    await log.close();
    await db.close();
  }
}

async function replayLocally(range: TimeRange, dataDir: string): Promise<string> {
  const url = await runningInstance(dataDir);
  let progress: ReplayProgress;
  if (url) {
    const res = await fetch(`${url}/api/replay?since=${range.since.toISOString()}&until=${range.until.toISOString()}`, { method: 'POST' });
    const body = (await res.json()) as ReplayProgress & { error?: string };
    if (!res.ok) throw new Error(`local mode refused the replay: ${body.error ?? res.status}`);
    progress = body;
  } else progress = await replayIntoDataFolder(dataDir, range);
  const invalid = progress.invalid ? `; ${progress.invalid} archived lines are not valid events today and were left out` : '';
  return `replayed ${progress.events} archived events from ${progress.objects} objects${invalid}`;
}

export async function replay(o: ReplayOptions): Promise<void> {
  const remote = o.stack ?? o.function;
  if (o.failed && o.since) throw new Error('give either --failed or --since/--until, not both');
  if (o.failed && !remote)
    throw new Error(
      '--failed reads the failure topic of a deployed stack: add --stack (local mode retries a failed batch until it succeeds)',
    );
  if (!o.failed && !o.since) throw new Error('say what to replay: --since (and --until) for archived events, or --failed with --stack');
  const range = o.since ? parseRange(o.since, o.until, new Date()) : undefined;
  const spinner = ora({ text: 'replaying', stream: process.stderr, isSilent: !process.stderr.isTTY }).start();
  try {
    let summary: string;
    if (remote) {
      const fn = o.function ?? (await replayerOf(o.stack!, o.region));
      const request: ReplayRequest = range
        ? { source: 'archive', since: range.since.toISOString(), until: range.until.toISOString() }
        : { source: 'failed' };
      summary = await replayOnAws(fn, request, o, (text) => (spinner.text = text));
    } else summary = await replayLocally(range!, o.dataDir);
    spinner.stop();
    process.stdout.write(`${summary}\n`);
  } catch (err) {
    spinner.stop();
    throw err;
  }
}

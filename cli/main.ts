#!/usr/bin/env node
/**
 * `clickstream`: run local mode, query the aggregate tables (locally or on Redshift), import
 * historical data, send test events. Errors are one line naming the problem, exit code 1.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { resolve } from 'node:path';
import { analyse } from './commands/analyse';
import { cost } from './commands/cost';
import { dashboard } from './commands/dashboard';
import { forgetCommand } from './commands/forget';
import { importFile } from './commands/import';
import { query } from './commands/query';
import { replay } from './commands/replay';
import { searchProxy } from './commands/search-proxy-command';
import { sendEvents } from './commands/send';
import { start } from './commands/start';
import { FORMATS } from './importers';
import { OUTPUT_FORMATS } from './format';

const program = new Command()
  .name('clickstream')
  .description('Real-time clickstream analytics you own: local mode, queries, imports.')
  .showHelpAfterError();

const dataDirOption = () => new Option('--data-dir <dir>', 'local mode state folder').default('.clickstream');
const rates = (v: string) => {
  const list = v.split(',').map(Number);
  if (list.length === 0 || list.some((n) => !Number.isFinite(n) || n <= 0))
    throw new InvalidArgumentError('must be positive numbers separated by commas, like 10,100,1000');
  return list;
};
const port = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number from 0 to 65535');
  return n;
};

program
  .command('start')
  .description('run local mode: collector, demo shop and dashboard on one machine, no Docker, no AWS')
  .addOption(dataDirOption())
  .option('--port <port>', 'HTTP port', port, 8290)
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .action((o: { dataDir: string; port: number; host: string }) => start({ ...o, dataDir: resolve(o.dataDir) }));

program
  .command('query')
  .description('run a named query (clickstream query --list shows them) on the local warehouse or on Redshift')
  .argument('[name]', 'query name, e.g. campaign-now, top-pages, visitors-vs-last-week')
  .option('--list', 'list the named queries')
  .option('--since <when>', 'window start: 30m, 6h, 7d, today, or an ISO date')
  .option('--include-bots', 'count bots and crawlers too (people only by default)')
  .option('--site <name>', 'only this site or app (tracker data-site, Snowplow aid)')
  .addOption(new Option('--format <format>', 'output format').choices([...OUTPUT_FORMATS]).default('table'))
  .addOption(dataDirOption())
  .option('--workgroup <name>', 'Redshift Serverless workgroup (queries Redshift instead of local mode)')
  .option('--cluster <id>', 'provisioned Redshift cluster identifier')
  .option('--database <name>', 'Redshift database', 'clickstream')
  .option('--secret-arn <arn>', 'Secrets Manager secret for the database user (default: IAM credentials)')
  .option('--db-user <user>', 'database user for a provisioned cluster with IAM')
  .option('--stack <name>', "read the workgroup and database from a deployed stack's outputs")
  .option('--region <region>', 'AWS region (default: from the environment)')
  .action((name: string | undefined, o) => query(name, { ...o, dataDir: resolve(o.dataDir) }));

/** The options every warehouse command takes: window, people or all, site, format, and where to run. */
function warehouseCommand(name: string, description: string): Command {
  return program
    .command(name)
    .description(description)
    .option('--since <when>', 'window start: 30m, 6h, 7d, today, or an ISO date')
    .option('--until <when>', 'window end (default: now)')
    .option('--include-bots', 'count bots and crawlers too (people only by default)')
    .option('--site <name>', 'only this site or app')
    .addOption(new Option('--format <format>', 'output format').choices([...OUTPUT_FORMATS]).default('table'))
    .addOption(dataDirOption())
    .option('--workgroup <name>', 'Redshift Serverless workgroup (runs on Redshift instead of local mode)')
    .option('--database <name>', 'Redshift database', 'clickstream')
    .option('--stack <name>', "read the workgroup and database from a deployed storage stack's outputs")
    .option('--region <region>', 'AWS region (default: from the environment)');
}
const collect = (v: string, all: string[]) => [...all, v];

warehouseCommand('funnel', 'sessions reaching each step in order (since: 7d), with conversion from the previous and the first step')
  .option('--step <pattern>', 'a page path pattern (* matches anything, / included) or event:NAME; repeat in order', collect, [])
  .action((o) => analyse('funnel', { ...o, steps: o.step, dataDir: resolve(o.dataDir) }));

warehouseCommand('paths', 'the pages viewed next after (--from) or before (--to) pages matching a pattern, with entries and exits')
  .option('--from <pattern>', 'pages to look forward from')
  .option('--to <pattern>', 'pages to look back from')
  .action((o) => analyse('paths', { ...o, dataDir: resolve(o.dataDir) }));

warehouseCommand('retention', 'visitors by cohort of their first event (since: 28d), and the share active in each later period')
  .addOption(new Option('--period <period>', 'cohort and offset length').choices(['day', 'week']).default('day'))
  .action((o) => analyse('retention', { ...o, dataDir: resolve(o.dataDir) }));

program
  .command('import')
  .description('backfill historical data through the same pipeline (local mode)')
  .argument('<file>', 'file to import')
  .addOption(new Option('--format <format>', 'file format').choices([...FORMATS]).makeOptionMandatory())
  .addOption(dataDirOption())
  .option('--site <url>', 'site URL for logs that hold only paths (apache-combined)', 'http://localhost')
  .option('--time <iso>', 'time stamp for rows that carry none (streamsets-csv); default now')
  .option('--anonymise-ip', 'zero the last octet of imported IPs')
  .action((file: string, o) => importFile(resolve(file), { ...o, dataDir: resolve(o.dataDir) }));

program
  .command('replay')
  .description('publish archived events (a time range) or failed batches (--failed) again; the stores keep one copy of each event')
  .option('--since <when>', 'start of the range of receive times: 30m, 6h, 7d, today, or an ISO date')
  .option('--until <when>', 'end of the range (default: now)')
  .option('--failed', "replay the deployed stack's failure topic (batches that failed after their retries)")
  .addOption(dataDirOption())
  .option('--stack <name>', "replay on AWS through the processing stack's replayer (e.g. ClickstreamProcessing)")
  .option('--function <name>', 'the replayer function, instead of --stack')
  .option('--region <region>', 'AWS region (default: from the environment)')
  .action((o) => replay({ ...o, dataDir: resolve(o.dataDir) }));

program
  .command('search-proxy')
  .description('OpenSearch Dashboards on localhost, signed with your IAM identity, through a port-forwarding tunnel into the VPC')
  .option('--stack <name>', "read the domain endpoint from the storage stack's outputs (e.g. ClickstreamStorage)")
  .option('--endpoint <host>', 'the domain endpoint instead of --stack')
  .option('--tunnel <url>', "the tunnel's local end (an SSM port-forwarding session to the domain's port 443)", 'https://127.0.0.1:9443')
  .option('--port <port>', 'port to serve Dashboards on', port, 9200)
  .option('--region <region>', 'AWS region (default: from the endpoint)')
  .action((o) => searchProxy(o));

program
  .command('dashboard')
  .description("the dashboard on localhost against a deployed stack's Redshift, with your own IAM identity (no public endpoint)")
  .requiredOption('--stack <name>', 'the deployed storage stack, e.g. ClickstreamStorage')
  .option('--port <port>', 'HTTP port on 127.0.0.1', port, 8300)
  .option('--region <region>', 'AWS region (default: from the environment)')
  .action((o: { stack: string; port: number; region?: string }) => dashboard(o));

program
  .command('forget')
  .description("remove a person's event-level data from every store (counts stay, anonymous) and report what was removed")
  .option('--user <id>', 'a user id (identify(), Snowplow uid): every visitor id they were seen with')
  .option('--party <id>', 'one visitor (party) id')
  .addOption(dataDirOption())
  .option('--stack <name>', 'a deployed storage stack (e.g. ClickstreamStorage) instead of local mode')
  .option('--search-endpoint <url>', 'with --stack: the search index through clickstream search-proxy, e.g. http://localhost:9200')
  .option('--region <region>', 'AWS region (default: from the environment)')
  .action((o) => forgetCommand({ ...o, dataDir: resolve(o.dataDir) }));

program
  .command('cost')
  .description("the monthly cost model of the AWS deployment (this folder's cdk.json) at sustained event rates")
  .option('--rates <list>', 'events per second, comma-separated', rates, [10, 100, 1000])
  .action((o: { rates: number[] }) => cost(o.rates));

program
  .command('send')
  .description('send test events to a collector')
  .option('--url <url>', 'collector URL', 'http://127.0.0.1:8290')
  .option(
    '-n, --count <n>',
    'number of events',
    (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 1_000_000) throw new InvalidArgumentError('must be a whole number from 1 to 1000000');
      return n;
    },
    10,
  )
  .option('--campaign <name>', 'utm_campaign on the page URLs', 'test-campaign')
  .action((o) => sendEvents(o));

// Piping into `head` closes stdout early; that is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => process.exit(err.code === 'EPIPE' ? 0 : 1));

program.parseAsync().catch((err: Error) => {
  process.stderr.write(`clickstream: ${err.message}\n`);
  process.exit(1);
});

/**
 * `clickstream dashboard --stack`: the dashboard server reading the warehouse through the Redshift
 * Data API executor (the SDK client answered by real SQL on PGlite), answering what local mode
 * answers, on localhost only.
 */
import { ExecuteStatementCommand, RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { readImport } from '../../cli/importers';
import { applyBatch } from '../../lambda/aggregator/apply';
import { startDashboardServer } from '../../local/dashboard-server';
import { DataApiExecutor } from '../../warehouse/data-api';
import { analysis } from '../../warehouse/analyses';
import type { PgliteExecutor } from '../../warehouse/pglite';
import { renderQuery } from '../../warehouse/named-queries';
import { dataApiOverPglite } from '../support/data-api-pglite';
import { DATASETS } from '../support/datasets';
import { freshWarehouse, mskBatches, toLog } from '../support/warehouse';

describe('the dashboard against Redshift through the Data API', () => {
  let db: PgliteExecutor;
  let server: Server;
  let base: string;
  let redshift: ReturnType<typeof dataApiOverPglite>;
  beforeAll(async () => {
    const { events } = await readImport(join(DATASETS, 'elastic-apache-logs/apache_logs'), { format: 'apache-combined', site: 'http://x' });
    db = await freshWarehouse();
    for (const batch of mskBatches(toLog(events), 5000)) await applyBatch(db, 'clickstream', batch, { rawEvents: true });
    redshift = dataApiOverPglite(db);
    const executor = new DataApiExecutor(
      new RedshiftDataClient({ region: 'eu-west-1' }),
      { workgroupName: 'wg', database: 'clickstream' },
      {
        sleep: async () => undefined,
      },
    );
    server = await startDashboardServer({ db: executor, status: () => ({ source: 'Redshift wg/clickstream' }) }, 0);
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 120_000);
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    redshift.restore();
    await db.close();
  });

  it('answers the named queries and the analyses with what the warehouse holds, on the workgroup', async () => {
    const now = new Date();
    const traffic = (await (await fetch(`${base}/api/query/traffic?since=2015-05-17&include-bots=true`)).json()) as Record<
      string,
      unknown
    >[];
    const direct = await db.query(renderQuery('traffic', { since: '2015-05-17', includeBots: true, now }));
    expect(traffic.map((r) => Number(r.events))).toEqual(direct.map((r) => Number(r.events)));
    expect(traffic.reduce((n, r) => n + Number(r.events), 0)).toBe(10000);
    const funnel = (await (await fetch(`${base}/api/analysis/funnel?since=2015-05-17&step=/&step=/blog/*`)).json()) as {
      sessions: number;
    }[];
    const expected = analysis('funnel', { since: '2015-05-17', steps: ['/', '/blog/*'] });
    expect(funnel).toEqual(expected.report(await db.query(expected.sql)));
    expect(redshift.commandCalls(ExecuteStatementCommand).every((c) => c.args[0].input.WorkgroupName === 'wg')).toBe(true);
    expect(await (await fetch(`${base}/api/status`)).json()).toEqual({ source: 'Redshift wg/clickstream' });
  });

  it('serves the dashboard page and answers only to localhost', async () => {
    expect((await fetch(`${base}/`, { redirect: 'manual' })).headers.get('location')).toBe('/dashboard');
    expect((await fetch(`${base}/dashboard`)).headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect((await fetch(`${base}/api/import`, { method: 'POST' })).status).toBe(404);
    const port = (server.address() as AddressInfo).port;
    // fetch cannot set Host; a rebound page's requests carry the attacker's name.
    const rebound = await new Promise<number>((resolve) =>
      request({ host: '127.0.0.1', port, path: '/api/query/traffic', headers: { Host: `attacker.example:${port}` } }, (r) => {
        r.resume();
        resolve(r.statusCode!);
      }).end(),
    );
    expect(rebound).toBe(403);
  });
});

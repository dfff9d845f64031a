/** `clickstream dashboard --stack NAME`: the dashboard on localhost against a deployed Redshift, with your own IAM identity. */
import { RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import type { AddressInfo } from 'node:net';
import { startDashboardServer } from '../../local/dashboard-server';
import { DataApiExecutor } from '../../warehouse/data-api';
import { stackTarget } from './query';

export async function dashboard(o: { stack: string; port: number; region?: string }): Promise<void> {
  const target = await stackTarget(o.stack, o.region);
  const db = new DataApiExecutor(new RedshiftDataClient(o.region ? { region: o.region } : {}), target, {
    attempts: 3,
    timeoutMs: 5 * 60 * 1000,
  });
  const server = await startDashboardServer(
    { db, status: () => ({ source: `Redshift ${target.workgroupName}/${target.database}` }) },
    o.port,
  );
  const { port } = server.address() as AddressInfo;
  process.stdout.write(
    `dashboard for ${o.stack}: http://localhost:${port}/dashboard (reading Redshift with your AWS identity; Ctrl-C to stop)\n`,
  );
}

/**
 * The dashboard on its own, for a warehouse elsewhere (`clickstream dashboard --stack` reads a
 * deployed Redshift with the user's IAM identity): an HTTP server on 127.0.0.1 serving only the
 * dashboard and its read-only API. Requests naming another host are refused, so a web page that
 * rebinds its DNS name to 127.0.0.1 cannot read the warehouse through it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendJson } from '../collector/http';
import { dashboardRoutes, HARDENED, type DashboardDeps } from './dashboard-routes';

/** Starts the dashboard server; resolves once it listens. */
export async function startDashboardServer(deps: DashboardDeps, port: number): Promise<Server> {
  const routes = dashboardRoutes(deps);
  const server = createServer((req, res) => {
    const own = (server.address() as AddressInfo).port;
    if (![`localhost:${own}`, `127.0.0.1:${own}`].includes(req.headers.host ?? ''))
      return sendJson(res, 403, { error: 'the dashboard answers only to localhost' }, HARDENED);
    const url = new URL(req.url ?? '/', 'http://local');
    if (url.pathname === '/') {
      res.writeHead(302, { Location: '/dashboard' }).end();
      return;
    }
    if (req.method !== 'GET' || !routes(res, url)) sendJson(res, 404, { error: `no such page: ${url.pathname}` }, HARDENED);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return server;
}

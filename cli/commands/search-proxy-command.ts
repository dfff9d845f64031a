/** The `clickstream search-proxy` command: finds the endpoint and region, starts the proxy, says where to go. */
import { regionOf, stackEndpoint, startSearchProxy } from './search-proxy';

export async function searchProxy(o: { stack?: string; endpoint?: string; tunnel: string; port: number; region?: string }): Promise<void> {
  if (!o.stack === !o.endpoint) throw new Error('give either --stack (the storage stack, e.g. ClickstreamStorage) or --endpoint');
  let tunnel: URL;
  try {
    tunnel = new URL(o.tunnel);
  } catch {
    throw new Error(`--tunnel "${o.tunnel}" is not a URL like https://127.0.0.1:9443`);
  }
  const endpoint = o.endpoint ?? (await stackEndpoint(o.stack!, o.region));
  const region = o.region ?? regionOf(endpoint) ?? process.env.AWS_REGION;
  if (!region) throw new Error(`cannot tell the region from ${endpoint}: add --region`);
  await startSearchProxy({ endpoint, tunnel, port: o.port, region });
  process.stdout.write(
    `OpenSearch Dashboards: http://localhost:${o.port}/_dashboards (signing as your AWS identity for ${endpoint}, through ${tunnel.href})\n`,
  );
}

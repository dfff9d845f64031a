/**
 * Bench only: the collector's enrichment replaced by passing the client fields through, to
 * measure what the rest of the collector costs (see ../collector.ts).
 */
import type { ClientFields } from '../../collector/enrich';

export type { ClientFields, EnrichOptions, RequestContext } from '../../collector/enrich';
export { clientIp, UserAgentParser } from '../../collector/enrich';

export function enrich(client: ClientFields): Record<string, unknown> {
  return client;
}

/**
 * Bench only: the collector's enrichment replaced by passing the client fields through, to
 * measure what the rest of the collector costs (see ../collector.ts).
 */
import type { ClientFields } from '../../enrich';

export type { ClientFields, EnrichOptions, RequestContext } from '../../enrich';
export { clientIp, UserAgentParser } from '../../enrich';

export function enrich(client: ClientFields): Record<string, unknown> {
  return client;
}

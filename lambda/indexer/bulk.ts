/**
 * OpenSearch bulk requests for raw events: daily indices, document id = event id, written with
 * `create` so the first copy of an id stays (as in the warehouse) and a retried batch or a
 * duplicate id changes nothing, bodies sized under the 10 MiB request limit of small
 * instance types, and per-item results sorted into done, retry and failed.
 */
import { eventToDocument, searchMappings, type ClickEvent } from '../../contract';

/** Default bulk body size: inside AWS's suggested 5–15 MiB and under the 10 MiB hard limit of small types. */
export const DEFAULT_BULK_BYTES = 5 * 1024 * 1024;

/** The daily index an event belongs in: `<prefix>-YYYY.MM.DD` by received time (UTC). */
export function indexFor(prefix: string, event: ClickEvent): string {
  return `${prefix}-${event.receivedTimestamp.slice(0, 10).replace(/-/g, '.')}`;
}

/** One bulk request: the NDJSON body and the events in it, in item order. */
export interface BulkRequest {
  body: string;
  events: ClickEvent[];
}

/** Splits events into bulk bodies of at most `maxBytes` (an event larger than that goes alone). */
export function bulkRequests(events: readonly ClickEvent[], prefix: string, maxBytes = DEFAULT_BULK_BYTES): BulkRequest[] {
  const out: BulkRequest[] = [];
  let lines: string[] = [];
  let batch: ClickEvent[] = [];
  let size = 0;
  for (const e of events) {
    const pair = `${JSON.stringify({ create: { _index: indexFor(prefix, e), _id: e.eventId } })}\n${JSON.stringify(eventToDocument(e))}\n`;
    const bytes = Buffer.byteLength(pair);
    if (batch.length > 0 && size + bytes > maxBytes) {
      out.push({ body: lines.join(''), events: batch });
      lines = [];
      batch = [];
      size = 0;
    }
    lines.push(pair);
    batch.push(e);
    size += bytes;
  }
  if (batch.length > 0) out.push({ body: lines.join(''), events: batch });
  return out;
}

/** The parts of a bulk response we read. */
export interface BulkResponse {
  errors: boolean;
  items: Record<string, { status: number; error?: { type?: string; reason?: string } }>[];
}

/**
 * Sorts a bulk response's items: retry on 429 and 5xx, fail (with the reason) on other errors.
 * 409 means the id is indexed already (a replay or a duplicate): done, the first copy stays.
 */
export function bulkOutcome(
  request: BulkRequest,
  response: BulkResponse,
): { retry: ClickEvent[]; failed: { event: ClickEvent; reason: string }[] } {
  const retry: ClickEvent[] = [];
  const failed: { event: ClickEvent; reason: string }[] = [];
  if (!response.errors) return { retry, failed };
  response.items.forEach((item, i) => {
    const result = Object.values(item)[0];
    const event = request.events[i];
    if (!result || !event || result.status < 300 || result.status === 409) return;
    if (result.status === 429 || result.status >= 500) retry.push(event);
    else
      failed.push({
        event,
        reason: `OpenSearch ${result.status} ${result.error?.type ?? ''}: ${result.error?.reason ?? 'no reason given'}`.replace(/ +/g, ' '),
      });
  });
  return { retry, failed };
}

/** The index template for raw events: explicit mappings generated from the contract. */
export function indexTemplate(prefix: string, replicas = 1) {
  return {
    index_patterns: [`${prefix}-*`],
    template: {
      settings: { number_of_shards: 1, number_of_replicas: replicas, 'plugins.index_state_management.policy_id': `${prefix}-retention` },
      mappings: searchMappings(),
    },
    priority: 100,
  };
}

/** An ISM policy deleting daily indices after `days`. */
export function retentionPolicy(prefix: string, days: number) {
  return {
    policy: {
      description: `Delete ${prefix} indices ${days} days after creation`,
      default_state: 'hot',
      states: [
        { name: 'hot', actions: [], transitions: [{ state_name: 'delete', conditions: { min_index_age: `${days}d` } }] },
        { name: 'delete', actions: [{ delete: {} }], transitions: [] },
      ],
      ism_template: [{ index_patterns: [`${prefix}-*`], priority: 100 }],
    },
  };
}

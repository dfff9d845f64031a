/**
 * Indexes events through a bulk endpoint, retrying throttled and failed items with backoff.
 * Items OpenSearch refuses for good (mapping errors) are returned for the bad-events path.
 */
import type { ClickEvent } from '../../contract';
import type { PartitionBatch } from '../shared/msk-event';
import type { ObjectStore } from '../shared/object-store';
import { keepRefused, type Refused } from '../shared/refused';
import { firstOfEachId } from '../shared/unique';
import { bulkOutcome, bulkRequests, DEFAULT_BULK_BYTES, type BulkResponse } from './bulk';

/** Sends one bulk body. A thrown error with `statusCode` 429 or 5xx is retried like a throttled item. */
export interface BulkSender {
  bulk(body: string): Promise<BulkResponse>;
}

export interface IndexOptions {
  prefix: string;
  maxBytes?: number;
  attempts?: number;
  backoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** What happened to a batch. */
export interface IndexResult {
  indexed: number;
  requests: number;
  failed: { event: ClickEvent; reason: string }[];
}

/**
 * Indexes events; throws when retryable failures remain after the last attempt (the batch is then
 * retried whole). A whole request refused with a 4xx other than 429 (too large, unparsable) is
 * retried one event per request, so the one event behind it fails alone and the rest go in.
 */
export async function indexEvents(sender: BulkSender, events: readonly ClickEvent[], options: IndexOptions): Promise<IndexResult> {
  const attempts = options.attempts ?? 5;
  const sleep = options.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const result: IndexResult = { indexed: 0, requests: 0, failed: [] };
  let pending = [...events];
  let alone: ClickEvent[] = [];
  for (let attempt = 1; pending.length > 0 || alone.length > 0; attempt++) {
    const retry: ClickEvent[] = [];
    const refused: ClickEvent[] = [];
    const requests = [
      ...bulkRequests(pending, options.prefix, options.maxBytes ?? DEFAULT_BULK_BYTES),
      ...alone.flatMap((e) => bulkRequests([e], options.prefix)),
    ];
    for (const request of requests) {
      result.requests++;
      let response: BulkResponse;
      try {
        response = await sender.bulk(request.body);
      } catch (err) {
        const status = (err as { statusCode?: number }).statusCode ?? (err as { meta?: { statusCode?: number } }).meta?.statusCode;
        if (status === 429 || (status !== undefined && status >= 500)) retry.push(...request.events);
        else if (status !== undefined && status >= 400 && request.events.length > 1) refused.push(...request.events);
        else if (status !== undefined && status >= 400)
          result.failed.push({ event: request.events[0], reason: `OpenSearch refused the request: ${status} ${(err as Error).message}` });
        else throw err;
        continue;
      }
      const outcome = bulkOutcome(request, response);
      retry.push(...outcome.retry);
      result.failed.push(...outcome.failed);
      result.indexed += request.events.length - outcome.retry.length - outcome.failed.length;
    }
    pending = retry;
    alone = refused;
    if (pending.length === 0 && alone.length === 0) break;
    if (pending.length === 0) continue; // a refused request is split at once, not after a backoff
    if (attempt >= attempts) throw new Error(`${pending.length} events still throttled or failing after ${attempts} bulk attempts`);
    await sleep((options.backoffMs ?? 500) * 2 ** (attempt - 1));
  }
  return result;
}

/**
 * Indexes the valid events of decoded partitions (the first copy of each id) and keeps the
 * events OpenSearch refuses for good under `bad/indexer/` with the reason.
 */
export async function indexBatch(
  sender: BulkSender,
  badStore: ObjectStore,
  batches: PartitionBatch[],
  options: IndexOptions,
): Promise<IndexResult> {
  const located = new Map<ClickEvent, Omit<Refused, 'reason' | 'event'>>();
  for (const b of batches)
    for (const r of b.records) if ('event' in r) located.set(r.event, { topic: b.topic, partition: b.partition, offset: r.offset });
  const result = await indexEvents(sender, firstOfEachId([...located.keys()]), options);
  await keepRefused(
    badStore,
    'indexer',
    'index_failure',
    result.failed.map((f) => ({ ...located.get(f.event)!, event: f.event, reason: f.reason })),
  );
  return result;
}

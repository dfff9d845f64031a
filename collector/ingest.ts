/**
 * The shared path of every endpoint: enrich client fields, validate against the contract,
 * hand good events to the events topic and bad ones to the bad-events topic.
 */
import { badEvent, encodeBadEvent, encodeEvent, validateEvent, type FailureType, type KafkaRecord, type Topics } from '../contract';
import { enrich, type ClientFields, type EnrichOptions, type RequestContext } from '../enrich';
import type { HandOff } from './handoff';
import type { Metrics } from './metrics';

/** One item of a request: client fields, or the reason it could not be read; `raw` is what the client sent (a pixel's query as is). */
export type Item = { fields: ClientFields; raw: unknown } | { reason: string; raw: unknown };

/** What happened to a request's items. */
export interface IngestResult {
  accepted: number;
  rejected: { index: number; reason: string }[];
}

/** Topic names and enrichment settings shared by every request. */
export interface IngestDeps {
  handoff: HandOff;
  metrics: Metrics;
  topics: Topics;
  enrich: EnrichOptions;
}

/**
 * Enriches and validates items, then writes the good and bad records; resolves when both
 * are durable. Rejects with `Unavailable` when the sink cannot take them.
 */
export async function ingest(items: Item[], ctx: RequestContext, origin: string, deps: IngestDeps): Promise<IngestResult> {
  const good: KafkaRecord[] = [];
  const bad: KafkaRecord[] = [];
  const rejected: IngestResult['rejected'] = [];
  items.forEach((item, index) => {
    let reason: string;
    if ('fields' in item) {
      const checked = validateEvent(enrich(item.fields, ctx, deps.enrich));
      if (checked.ok) {
        good.push(encodeEvent(checked.event));
        return;
      }
      reason = checked.reason;
    } else {
      reason = item.reason;
    }
    rejected.push({ index, reason });
    const raw = item.raw instanceof URLSearchParams ? Object.fromEntries(item.raw) : item.raw;
    bad.push(encodeBadEvent(badEvent('schema_violation', reason, origin, JSON.stringify(raw), ctx.receivedAt)));
  });
  // One promise to wait for in the common case of a single kind.
  if (good.length > 0 && bad.length > 0)
    await Promise.all([deps.handoff.write(deps.topics.events, good), deps.handoff.write(deps.topics.bad, bad)]);
  else if (good.length > 0) await deps.handoff.write(deps.topics.events, good);
  else if (bad.length > 0) await deps.handoff.write(deps.topics.bad, bad);
  deps.metrics.accepted += good.length;
  deps.metrics.rejected += bad.length;
  return { accepted: good.length, rejected };
}

/** Keeps a request that could not be parsed at all on the bad-events topic, then counts it. */
export async function rejectRequest(
  failure: FailureType,
  reason: string,
  origin: string,
  payload: string,
  deps: IngestDeps,
): Promise<void> {
  await deps.handoff.write(deps.topics.bad, [encodeBadEvent(badEvent(failure, reason, origin, payload))]);
  deps.metrics.rejected++;
}

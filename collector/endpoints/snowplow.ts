/** The Snowplow tracker protocol's endpoints: `POST /com.snowplowanalytics.snowplow/tp2` and `GET /i`. */
import { MalformedRequest, parsing } from '../errors';
import { readBody, send, sendGif, sendJson } from '../http';
import { networkUserId, serverIds } from '../ids';
import { newId } from '../cookies';
import { ingest, type Item } from '../ingest';
import { parsePayloadData, snowplowFields, type SnowplowParams } from '../protocols/snowplow';
import { requestContext, type CollectorParts, type Endpoint, type Exchange } from './context';

/** Snowplow's well-known POST path. */
export const SNOWPLOW_POST_PATH = '/com.snowplowanalytics.snowplow/tp2';

/** `POST /com.snowplowanalytics.snowplow/tp2`: a payload_data batch. */
export const snowplowPost: Endpoint = async (x, parts) => {
  const { config } = parts;
  const body = await readBody(x.req, { maxBytes: config.maxBodyBytes, timeoutMs: config.requestTimeoutMs });
  await snowplow(
    x,
    parts,
    parsing(body, (b) => parsePayloadData(b, x.query, config.maxBatchEvents)),
    false,
  );
};

/** `GET|HEAD /i`: one event in the query string. */
export const snowplowGet: Endpoint = async (x, parts) => {
  if (x.query.size === 0) throw new MalformedRequest('query string is empty: a Snowplow GET carries one event in it');
  await snowplow(x, parts, [Object.fromEntries(x.query)], true);
};

async function snowplow({ req, res, cors }: Exchange, parts: CollectorParts, events: SnowplowParams[], gif: boolean): Promise<void> {
  const anonymous = req.headers['sp-anonymous'] !== undefined;
  const cookies: string[] = [];
  const nuid = networkUserId(req, events[0], anonymous, cookies, parts.cookies);
  let fallback: { partyId: string; sessionId: string } | undefined;
  const items = events.map((raw): Item => {
    const fields = snowplowFields(raw);
    if (typeof fields === 'string') return { reason: fields, raw };
    fields.partyId ??= nuid;
    if (fields.sessionId === undefined) {
      fallback ??= anonymous ? { partyId: nuid, sessionId: newId() } : serverIds(req, cookies, parts.cookies);
      fields.sessionId = fallback.sessionId;
    }
    return { fields, raw };
  });
  const origin = gif ? 'collector:/i' : `collector:${SNOWPLOW_POST_PATH}`;
  const result = await ingest(items, requestContext(req, 'snowplow', parts, anonymous), origin, parts.ingest);
  const headers = { ...cors, 'Set-Cookie': cookies };
  // Snowplow's tracker does not retry a 400: right for events that can never become valid.
  if (gif) sendGif(res, result.accepted > 0 ? 200 : 400, headers);
  else if (result.accepted > 0) send(res, 200, 'ok', { 'Content-Type': 'text/plain', ...headers });
  else sendJson(res, 400, result, headers);
}

/** Our own endpoints: the tracker's JSON batch (`POST /collect`) and the pixel (`GET /p.gif`). */
import type { ClientFields } from '../../enrich';
import { parsing } from '../errors';
import { headerSafe, readBody, sendGif, sendJson } from '../http';
import { serverIds } from '../ids';
import { ingest, type Item } from '../ingest';
import { clientFieldsOf, parseBatch, pixelFields } from '../protocols/own';
import { header, requestContext, type Endpoint } from './context';

/** `POST /collect`: a JSON batch; 200 when any event was accepted, 400 with the reasons otherwise. */
export const collectJson: Endpoint = async ({ req, res, cors }, parts) => {
  const { config } = parts;
  const body = await readBody(req, { maxBytes: config.maxBodyBytes, timeoutMs: config.requestTimeoutMs });
  const items = parsing(body, (b) => parseBatch(b, config.maxBatchEvents)).map((raw): Item => {
    const fields = clientFieldsOf(raw);
    return typeof fields === 'string' ? { reason: fields, raw } : { fields, raw };
  });
  const result = await ingest(items, requestContext(req, 'tracker', parts), 'collector:/collect', parts.ingest);
  sendJson(res, result.accepted === 0 ? 400 : 200, result, cors);
};

/** `GET|HEAD /p.gif`: one event in the query string; ids come from the query, the cookies or new ones. */
export const pixel: Endpoint = async ({ req, res, query, cors }, parts) => {
  const cookies: string[] = [];
  const fields = pixelFields(query, header(req, 'referer'));
  // The query becomes a plain object only if the event is rejected (see ingest).
  const item: Item =
    typeof fields === 'string'
      ? { reason: fields, raw: query }
      : { fields: withIds(fields, serverIds(req, cookies, parts.cookies, fields)), raw: query };
  const result = await ingest([item], requestContext(req, 'pixel', parts), 'collector:/p.gif', parts.ingest);
  const headers: Record<string, string | string[]> = { ...cors, 'Set-Cookie': cookies };
  if (result.accepted === 0) headers['X-Reject-Reason'] = headerSafe(result.rejected[0].reason);
  sendGif(res, result.accepted === 1 ? 200 : 400, headers);
};

/** Fills the server-side ids into freshly parsed pixel fields (mutated: they belong to this request). */
function withIds(fields: ClientFields, ids: { partyId: string; sessionId: string }): ClientFields {
  fields.partyId ??= ids.partyId;
  fields.sessionId ??= ids.sessionId;
  return fields;
}

/** The OpenSearch side of the indexer: the official client, signed with SigV4 in AWS. */
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Client } from '@opensearch-project/opensearch';
import { AwsSigv4Signer } from '@opensearch-project/opensearch/aws';
import type { BulkResponse } from './bulk';
import type { BulkSender } from './index-events';

/**
 * A client for `endpoint` (with or without `https://`). With a region the requests are signed
 * for the `es` service; without one (a local test server) they are plain.
 */
export function openSearchClient(endpoint: string, region?: string): Client {
  const node = /^https?:\/\//.test(endpoint) ? endpoint : `https://${endpoint}`;
  if (!region) return new Client({ node });
  return new Client({ ...AwsSigv4Signer({ region, service: 'es', getCredentials: () => defaultProvider()() }), node });
}

/** Bulk requests through the client; the NDJSON body is sent as built. */
export function openSearchSender(client: Client): BulkSender {
  return {
    // The transport sends a string bulk body unchanged; the typings only name the array form.
    // A prebuilt string lets us size each request in bytes before sending it.
    bulk: async (body) => (await client.bulk({ body: body as never })).body as unknown as BulkResponse,
  };
}

/**
 * Forgetting a person in the search index: one delete-by-query over the daily event indices,
 * matching their visitor ids and user id. It runs through any endpoint that signs for the
 * domain, e.g. `clickstream search-proxy` on localhost.
 */

/** Documents removed from the search index. */
export interface SearchForgetResult {
  deleted: number;
}

/** Deletes the person's documents from `<prefix>-*` at `endpoint`. */
export async function forgetInSearch(
  endpoint: string,
  prefix: string,
  ids: { parties: readonly string[]; user?: string },
): Promise<SearchForgetResult> {
  const should: unknown[] = [{ terms: { party_id: ids.parties } }];
  if (ids.user !== undefined) should.push({ term: { user_id: ids.user } });
  const url = `${endpoint.replace(/\/$/, '')}/${encodeURIComponent(prefix)}-*/_delete_by_query?conflicts=proceed&refresh=true`;
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ query: { bool: { should, minimum_should_match: 1 } } }),
    });
  } catch (err) {
    throw new Error(`cannot reach the search index at ${endpoint}: ${(err as Error).message}`, { cause: err });
  }
  const body = (await res.json().catch(() => ({}))) as { deleted?: number; failures?: unknown[]; error?: unknown };
  if (!res.ok || (body.failures?.length ?? 0) > 0)
    throw new Error(`the search index refused the deletion (${res.status}): ${JSON.stringify(body.error ?? body.failures)}`);
  return { deleted: body.deleted ?? 0 };
}

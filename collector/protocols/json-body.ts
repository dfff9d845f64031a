/** JSON request bodies, parsed with the contract's nesting limit. */
import { deeperThan, LIMITS } from '../../contract';
import { MalformedRequest, TooLarge } from '../errors';

/**
 * Parses a body as JSON. Nesting beyond {@link LIMITS.bodyDepth} is refused here, before any
 * recursive step (validation, `JSON.stringify` for the bad-events stream) could overflow the stack.
 */
export function parseJsonBody(body: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (err) {
    throw new MalformedRequest(`body is not valid JSON: ${(err as Error).message}`);
  }
  if (deeperThan(parsed, LIMITS.bodyDepth)) throw new TooLarge(`body nests deeper than ${LIMITS.bodyDepth} levels`);
  return parsed;
}

/** A copy of `o` without undefined, null or empty-string values, or undefined when nothing is left. */
export function compact(o: Record<string, unknown>): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined && v !== null && v !== '') out[k] = v;
  return Object.keys(out).length > 0 ? out : undefined;
}

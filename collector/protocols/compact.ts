/** A copy of `o` without undefined, null or empty-string values, or undefined when nothing is left. */
export function compact(o: Record<string, unknown>): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  let empty = true;
  for (const k in o) {
    const v = o[k];
    if (v !== undefined && v !== null && v !== '') {
      out[k] = v;
      empty = false;
    }
  }
  return empty ? undefined : out;
}

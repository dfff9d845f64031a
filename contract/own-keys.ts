/** Copying client-chosen keys without the prototype traps of plain assignment. */

/**
 * Sets `key` as an own data property. Plain assignment of a client's `__proto__` key would
 * replace the object's prototype instead, and the key would vanish from the event unseen.
 */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** `Object.assign` that keeps every key of `source` as data, `__proto__` included. */
export function assignOwn(target: Record<string, unknown>, source: Record<string, unknown>): Record<string, unknown> {
  for (const [k, v] of Object.entries(source)) setOwn(target, k, v);
  return target;
}

/**
 * Deep copy of JSON data (identities, traits, metadata, tokens). About 6x faster than `structuredClone` on an
 * identity, which matters because every read and write copies. Only plain objects, arrays and primitives are
 * expected; a `__proto__` key is copied as an own property, never as a prototype.
 */
export function cloneJson<T>(value: T): T {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) {
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = cloneJson(value[i]);
    return out as T;
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const v = cloneJson((value as Record<string, unknown>)[key]);
    if (key === "__proto__")
      Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
    else out[key] = v;
  }
  return out as T;
}

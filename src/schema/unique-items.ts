/**
 * A linear `uniqueItems`. ajv's own keyword compares every pair of items with a deep equality whenever the items
 * are not declared as scalars (`items: { type: "object" }`, or no `type` at all): 5,000 small objects, about
 * 54 KB of traits, blocked the event loop for 1.4 s. Here each item is written once as a canonical string (object
 * keys sorted) and looked up in a Map, so the cost is linear in the size of the array.
 *
 * Equality is ajv's (fast-deep-equal on JSON data): same type, numbers and strings by value, arrays item by item,
 * objects by key set whatever the key order. The error is ajv's, with the same `{ i, j }` params (see
 * {@link duplicatePair}). One difference: ajv's fast path never detects a repeated `"__proto__"` string (it keys a
 * plain object with the items); a Map does.
 *
 * @module
 */
import type { ErrorObject } from "./ajv.js";

/** A string that is equal for two values exactly when ajv's deep equality holds between them (JSON data). */
export function canonicalJson(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (value === null || typeof value !== "object") return `${typeof value}:${String(value)}`;
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) out += `${i === 0 ? "" : ","}${canonicalJson(value[i])}`;
    return `${out}]`;
  }
  const keys = Object.keys(value).sort();
  let out = "{";
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    out += `${i === 0 ? "" : ","}${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`;
  }
  return `${out}}`;
}

const SCALAR_TYPES = new Set(["string", "number", "integer", "boolean", "null"]);

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case "null":
      return value === null;
    case "integer":
      return typeof value === "number" && Number.isInteger(value);
    default:
      return typeof value === type;
  }
}

/** The item types ajv's fast path keys on: the `items` subschema's `type` list when every entry is a scalar type. */
export function scalarItemTypes(parentSchema: unknown): readonly string[] | undefined {
  const items = (parentSchema as { items?: unknown } | null | undefined)?.items;
  const type = items && typeof items === "object" ? (items as { type?: unknown }).type : undefined;
  const types = typeof type === "string" ? [type] : Array.isArray(type) ? type : [];
  return types.length > 0 && types.every((t) => SCALAR_TYPES.has(t)) ? (types as string[]) : undefined;
}

/**
 * The duplicate ajv reports for `items`, or undefined when all items differ. With `scalarTypes` (ajv's fast path)
 * items of other types are skipped and the search runs from the end: `i` is the last item with an equal later
 * one, `j` the last item equal to it. Otherwise (ajv's pairwise loop) `i` is the last item equal to an earlier
 * one and `j` the last earlier item it equals.
 */
export function duplicatePair(
  items: readonly unknown[],
  scalarTypes?: readonly string[],
): { i: number; j: number } | undefined {
  const lastIndex = new Map<string, number>();
  if (scalarTypes !== undefined) {
    for (let i = items.length - 1; i >= 0; i--) {
      const item = items[i];
      if (!scalarTypes.some((t) => hasType(item, t))) continue;
      const key = canonicalJson(item);
      const j = lastIndex.get(key);
      if (j !== undefined) return { i, j };
      lastIndex.set(key, i);
    }
    return undefined;
  }
  let found: { i: number; j: number } | undefined;
  for (let i = 0; i < items.length; i++) {
    const key = canonicalJson(items[i]);
    const j = lastIndex.get(key);
    if (j !== undefined) found = { i, j };
    lastIndex.set(key, i);
  }
  return found;
}

interface UniqueItemsValidate {
  (schema: unknown, data: unknown, parentSchema?: unknown): boolean;
  errors?: Partial<ErrorObject>[] | null;
}

const validate: UniqueItemsValidate = (schema, data, parentSchema) => {
  validate.errors = null;
  if (schema !== true || !Array.isArray(data) || data.length < 2) return true;
  const pair = duplicatePair(data, scalarItemTypes(parentSchema));
  if (pair === undefined) return true;
  validate.errors = [
    {
      keyword: "uniqueItems",
      message: `must NOT have duplicate items (items ## ${pair.j} and ${pair.i} are identical)`,
      params: pair,
    },
  ];
  return false;
};

/** The keyword definition that replaces ajv's `uniqueItems` (`ajv.removeKeyword("uniqueItems")` first). */
export const LINEAR_UNIQUE_ITEMS = {
  keyword: "uniqueItems",
  type: "array",
  schemaType: "boolean",
  errors: true,
  validate,
} as const;

import { z } from "zod";
import { cloneJson } from "./clone.js";
import type { JsonValue } from "./identity.js";

/** Where a value stops being JSON, and why; undefined when it is JSON throughout. */
export interface JsonProblem {
  path: string[];
  message: string;
}

const isPlainObject = (value: object): boolean => {
  const proto = Object.getPrototypeOf(value);
  return proto === null || Object.getPrototypeOf(proto) === null;
};

/**
 * The first place where `value` is not JSON data: JSON values are `null`, booleans, finite numbers, strings, arrays
 * and plain objects (every own enumerable string key, `__proto__` and `constructor` included, is an ordinary
 * member). `undefined` members are skipped, as `JSON.stringify` skips them. Depth is bounded by the caller
 * (`parsePayload` refuses nesting past {@link MAX_JSON_DEPTH} first).
 */
export function findJsonProblem(value: unknown, path: string[] = []): JsonProblem | undefined {
  if (value === null || typeof value === "string" || typeof value === "boolean") return undefined;
  if (typeof value === "number") {
    return Number.isFinite(value) ? undefined : { path, message: `${value} is not a JSON number` };
  }
  if (typeof value !== "object") return { path, message: `a ${typeof value} is not a JSON value` };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = findJsonProblem(value[i] === undefined ? null : value[i], [...path, String(i)]);
      if (problem) return problem;
    }
    return undefined;
  }
  if (!isPlainObject(value)) return { path, message: "a non-plain object is not a JSON value" };
  for (const key of Object.keys(value)) {
    const member = (value as Record<string, unknown>)[key];
    if (member === undefined) continue;
    const problem = findJsonProblem(member, [...path, key]);
    if (problem) return problem;
  }
  return undefined;
}

/**
 * A zod schema for free JSON (traits, metadata, JSON Patch values) that keeps the data **verbatim**: unlike
 * `z.json()`, which rebuilds objects by assignment and so loses a `__proto__` member, the value is checked in place
 * and then deep-copied with {@link cloneJson}, which keeps `__proto__`, `constructor`, `prototype` or `toString`
 * as own members and never touches a prototype. Kratos stores these fields as raw JSON (`json.RawMessage`).
 */
export const JsonValueSchema: z.ZodType<JsonValue, unknown> = z
  .unknown()
  .superRefine((value, ctx) => {
    const problem = findJsonProblem(value);
    if (problem) ctx.addIssue({ code: "custom", path: problem.path, message: problem.message });
  })
  .transform((value) => cloneJson(value) as JsonValue);

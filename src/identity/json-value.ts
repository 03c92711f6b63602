import type { z } from "zod";
import { isIdentityError } from "../errors/index.js";
import { toJsonInput } from "../json/json-input.js";
import { lazySchema } from "../json/lazy-zod.js";
import type { JsonValue } from "./identity.js";

/** RFC 6901 pointer → its decoded tokens (zod issue paths are token lists). */
const tokens = (pointer: string): string[] =>
  pointer === ""
    ? []
    : pointer
        .slice(1)
        .split("/")
        .map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));

/**
 * A zod schema for free JSON (traits, metadata, JSON Patch values) that keeps the data **verbatim**: unlike
 * `z.json()`, which rebuilds objects by assignment and so loses a `__proto__` member, the value is checked and
 * copied in one pass by {@link toJsonInput}, which keeps `__proto__`, `constructor`, `prototype` or `toString` as
 * own members and never touches a prototype. Kratos stores these fields as raw JSON (`json.RawMessage`).
 */
export const JsonValueSchema: () => z.ZodType<JsonValue, unknown> = lazySchema((z) =>
  z.unknown().transform((value, ctx) => {
    try {
      return toJsonInput(value);
    } catch (e) {
      const issue = isIdentityError(e) ? e.issues[0] : undefined;
      ctx.addIssue({
        code: "custom",
        path: tokens(issue?.pointer ?? ""),
        message: issue?.message ?? "not a JSON value",
      });
      return z.NEVER;
    }
  }),
);

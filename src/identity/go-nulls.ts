import type { z } from "zod";
import { setOwn } from "../json/json-input.js";

/**
 * Go's `encoding/json` reads a JSON `null` into a typed field as that field's zero value: `nil` for a pointer or
 * slice, `""` for a string, `false` for a boolean, `0` for a number, an empty struct for a struct. Typed clients
 * that serialise zero values (`"credentials": null`, `"external_id": null`, `"verified_at": null`) therefore work
 * against Kratos's `CreateIdentityBody` / `UpdateIdentityBody` (`identity/handler.go`), and must work here.
 * Raw-JSON fields (`json.RawMessage`: traits, metadata) keep their `null`: it is their content.
 */

type Schema = z.ZodType;
interface Def {
  type: string;
  shape?: Record<string, Schema>;
  innerType?: Schema;
  element?: Schema;
  in?: Schema;
}

const rawJsonSchemas = new WeakSet<Schema>();

/** Marks a schema as raw JSON: a `null` given for it is kept and checked by the schema itself. */
export function markRawJson<T extends Schema>(schema: T): T {
  rawJsonSchemas.add(schema);
  return schema;
}

const defOf = (schema: Schema): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

const WRAPPERS = new Set(["optional", "nullable", "default", "prefault", "readonly", "catch", "nonoptional"]);

/** The schema under optional/nullable/default wrappers (and the input side of pipes), and whether a wrapper made
 * the member optional (a Go pointer, whose null is nil: absent). */
function unwrap(schema: Schema): { core: Schema; optional: boolean; raw: boolean } {
  let core = schema;
  let optional = false;
  for (;;) {
    if (rawJsonSchemas.has(core)) return { core, optional, raw: true };
    const def = defOf(core);
    if (def.type === "optional" || def.type === "default" || def.type === "prefault") optional = true;
    if (WRAPPERS.has(def.type) && def.innerType) core = def.innerType;
    else if (def.type === "pipe" && def.in) core = def.in;
    else return { core, optional, raw: false };
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/** Go's zero value for a required member of this kind, or undefined (absent) when it has none worth giving. */
function zeroValue(core: Schema): unknown {
  switch (defOf(core).type) {
    case "string":
    case "enum":
      return "";
    case "boolean":
      return false;
    case "number":
      return 0;
    case "object":
      return {};
    case "array":
      return [];
    default:
      return undefined;
  }
}

/**
 * A copy of `value` with Go's null semantics applied along `schema`: a `null` member that the schema declares is
 * dropped when optional (a pointer: nil) or replaced by its zero value when required (a struct: `{}`, a string:
 * `""`); raw-JSON members keep `null`. Members the schema does not declare are kept as they are, so a strict
 * schema still refuses them; `null` array elements are kept (and refused with a pointer), not turned into a
 * meaningless zero-value entry. Objects are copied with `__proto__` kept as an own member.
 */
export function applyGoNullSemantics(value: unknown, schema: Schema): unknown {
  const { core, raw } = unwrap(schema);
  if (raw) return value;
  const def = defOf(core);
  if (def.type === "array" && def.element && Array.isArray(value)) {
    const element = def.element;
    return value.map((item) => (item === null ? null : applyGoNullSemantics(item, element)));
  }
  if (def.type !== "object" || !def.shape || !isRecord(value)) return value;
  const shape = def.shape;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const member = value[key];
    const field = Object.hasOwn(shape, key) ? shape[key] : undefined;
    if (field === undefined) {
      setOwn(out, key, member);
      continue;
    }
    if (member !== null) {
      setOwn(out, key, applyGoNullSemantics(member, field));
      continue;
    }
    const inner = unwrap(field);
    if (inner.raw) {
      setOwn(out, key, null);
      continue;
    }
    const zero = inner.optional ? undefined : zeroValue(inner.core);
    if (zero !== undefined) setOwn(out, key, zero);
  }
  return out;
}

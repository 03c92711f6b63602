import { escapePointerToken, type ValidationIssue } from "../errors/index.js";
import type { ErrorObject } from "./ajv.js";

/** The JSON type of a value, as ory/jsonschema names it (`jsonType` in `schema.go`): integers are `number`. */
function typeOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  return typeof v;
}

const isPrimitive = (v: unknown): boolean => v === null || typeof v !== "object";
const countOf = (v: unknown): number =>
  Array.isArray(v) ? v.length : v && typeof v === "object" ? Object.keys(v).length : 0;

/**
 * Turns one ajv error into an issue, with messages in ory/jsonschema's words (what Kratos returns) and the
 * pointer on the offending property itself for `required` and `additionalProperties`.
 */
export function issueFromAjvError(e: ErrorObject): ValidationIssue {
  const p = e.params as Record<string, unknown>;
  let pointer = e.instancePath;
  let message = e.message ?? "is invalid";
  switch (e.keyword) {
    case "type":
      message = `expected ${String(p.type).replace(/,/g, " or ")}, but got ${typeOf(e.data)}`;
      break;
    case "format":
      message = `${JSON.stringify(e.data)} is not valid ${JSON.stringify(p.format)}`;
      break;
    case "required":
      pointer = `${pointer}/${escapePointerToken(String(p.missingProperty))}`;
      message = `missing properties: ${JSON.stringify(p.missingProperty)}`;
      break;
    case "additionalProperties":
      pointer = `${pointer}/${escapePointerToken(String(p.additionalProperty))}`;
      message = `additionalProperties ${JSON.stringify(p.additionalProperty)} not allowed`;
      break;
    case "minLength":
    case "maxLength":
      message = `length must be ${e.keyword === "minLength" ? ">=" : "<="} ${p.limit}, but got ${[...String(e.data)].length}`;
      break;
    case "pattern":
      message = `does not match pattern ${JSON.stringify(p.pattern)}`;
      break;
    case "enum": {
      const allowed = p.allowedValues as unknown[];
      if (!allowed.every(isPrimitive)) message = "enum failed";
      else if (allowed.length === 1) message = `value must be ${JSON.stringify(allowed[0])}`;
      else message = `value must be one of ${allowed.map((v) => JSON.stringify(v)).join(", ")}`;
      break;
    }
    case "const":
      message = isPrimitive(p.allowedValue)
        ? `value must be ${JSON.stringify(p.allowedValue)}`
        : "const failed";
      break;
    case "minProperties":
    case "maxProperties":
      message = `${e.keyword === "minProperties" ? "minimum" : "maximum"} ${p.limit} properties allowed, but found ${countOf(e.data)} properties`;
      break;
    case "uniqueItems":
      message = `items at index ${Math.min(Number(p.i), Number(p.j))} and ${Math.max(Number(p.i), Number(p.j))} are equal`;
      break;
    case "multipleOf":
      message = `${String(e.data)} not multipleOf ${p.multipleOf}`;
      break;
    case "dependencies":
    case "dependentRequired":
      message = `property ${JSON.stringify(p.missingProperty)} is required, if ${JSON.stringify(p.property)} property exists`;
      break;
    case "additionalItems":
    case "items":
      if (p.limit !== undefined) {
        message = `only ${p.limit} items are allowed, but found ${countOf(e.data)} items`;
      }
      break;
    case "contains":
    case "not":
    case "anyOf":
      message = `${e.keyword} failed`;
      break;
    case "oneOf": {
      const passing = p.passingSchemas as number[] | null | undefined;
      message = Array.isArray(passing)
        ? `valid against schemas at indexes ${passing[0]} and ${passing[1]}`
        : "oneOf failed";
      break;
    }
    case "if":
      message = `if-${String(p.failingKeyword)} failed`;
      break;
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
      message = `must be ${p.comparison} ${p.limit} but found ${String(e.data)}`;
      break;
    case "minItems":
    case "maxItems":
      message = `${e.keyword === "minItems" ? "minimum" : "maximum"} ${p.limit} items allowed, but found ${(e.data as unknown[]).length} items`;
      break;
  }
  return { pointer, code: e.keyword, message, context: { schema_path: e.schemaPath, ...p } };
}

/** The schema location of the subschema an error's keyword belongs to (its schema path without the keyword). */
const subschemaOf = (e: ErrorObject): string => e.schemaPath.slice(0, e.schemaPath.lastIndexOf("/"));

/**
 * Maps ajv errors to issues, dropping exact duplicates. Like ory/jsonschema (`schema.go` `validate`), a value of the
 * wrong type gets the type error alone: the other keywords of the same subschema (`enum`, `const`, ...) are not
 * reported for it.
 */
export function issuesFromAjvErrors(errors: readonly ErrorObject[] | null | undefined): ValidationIssue[] {
  const seen = new Set<string>();
  const issues: ValidationIssue[] = [];
  const mistyped = new Set(
    (errors ?? []).filter((e) => e.keyword === "type").map((e) => `${e.instancePath}\0${subschemaOf(e)}`),
  );
  for (const e of errors ?? []) {
    if (e.keyword !== "type" && mistyped.has(`${e.instancePath}\0${subschemaOf(e)}`)) continue;
    const issue = issueFromAjvError(e);
    const key = `${issue.pointer}\0${issue.code}\0${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  return issues;
}

import { escapePointerToken, type ValidationIssue } from "../errors/index.js";
import type { ErrorObject } from "./ajv.js";

function typeOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

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
    case "enum":
      message = `value must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
      break;
    case "const":
      message = `value must be ${JSON.stringify(p.allowedValue)}`;
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

/** Maps ajv errors to issues, dropping exact duplicates. */
export function issuesFromAjvErrors(errors: readonly ErrorObject[] | null | undefined): ValidationIssue[] {
  const seen = new Set<string>();
  const issues: ValidationIssue[] = [];
  for (const e of errors ?? []) {
    const issue = issueFromAjvError(e);
    const key = `${issue.pointer}\0${issue.code}\0${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  return issues;
}

import {
  type ExistingAddresses,
  type Extraction,
  type ExtractionLimits,
  extractFromHits,
} from "../addresses/extract.js";
import { toE164IfValidPhone } from "../addresses/normalize.js";
import { ValidationError, type ValidationIssue } from "../errors/index.js";
import { cloneJson } from "../identity/clone.js";
import type { JsonValue } from "../identity/identity.js";
import { setAtPointer } from "../identity/pointer.js";
import { isPhoneChannel } from "../schema/kratos-extension.js";
import type { RegisteredSchema } from "../schema/schema-registry.js";

/** The traits as they will be stored (phones in E.164) and what the extension derived from them. */
export interface ValidatedTraits {
  traits: JsonValue;
  extraction: Extraction;
}

/**
 * Validates traits against an identity schema the way Kratos's `identity/validator.go` does: phone traits routed
 * to an sms channel are first rewritten to E.164 (when they parse), then the schema is checked while the
 * `ory.sh/kratos` extension collects identifiers and addresses; existing addresses are reused when they match.
 * Derivation stops at the first value past one of `limits` (issue code `too_many` at that value's pointer).
 * `traits` is copied first (the phone rewrite changes the copy) unless `owned` says the caller handed over a value
 * nothing else holds and the schema routes no phone (then nothing changes it: validation does not write).
 * @throws ValidationError with every schema and extension issue, pointers rooted at the identity (`/traits/...`).
 */
export function validateTraits(
  schema: RegisteredSchema,
  traits: JsonValue,
  existing: ExistingAddresses,
  limits: ExtractionLimits = {},
  owned = false,
): ValidatedTraits {
  const document = { traits: owned && !schema.hasPhoneChannels ? traits : cloneJson(traits) };
  let result = schema.validate(document);
  if (schema.hasPhoneChannels) {
    let rewritten = false;
    for (const hit of result.hits) {
      if (typeof hit.value !== "string" || !isPhoneChannel(hit.extension)) continue;
      const e164 = toE164IfValidPhone(hit.value);
      if (e164 !== undefined && e164 !== hit.value) {
        setAtPointer(document, hit.pointer, e164);
        rewritten = true;
      }
    }
    if (rewritten) result = schema.validate(document);
  }
  const extraction = extractFromHits(result.hits, existing, limits);
  if (result.issues.length + extraction.issues.length > 0) {
    throw new ValidationError(dedupeIssues([...result.issues, ...extraction.issues]));
  }
  return { traits: document.traits as JsonValue, extraction };
}

function dedupeIssues(issues: ValidationIssue[]): ValidationIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.pointer}\0${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

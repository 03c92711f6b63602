import { IdentityError, ValidationError, type ValidationIssue } from "../errors/index.js";
import type { JsonValue } from "../identity/identity.js";
import { optionsArgument, readConfiguration } from "../json/arguments.js";
import { toJsonInput } from "../json/json-input.js";
import { parseGoDurationNs } from "../recovery/duration.js";
import { isUuid } from "../storage/identity-writer.js";
import { DEFAULT_API_KEY_PREFIX, PREFIX_PATTERN } from "./api-key-format.js";

/** Bounds of the API key inputs (`docs/machine-identities.md#limits`). */
export const API_KEY_LIMITS = Object.freeze({
  nameLength: 256,
  scopes: 64,
  scopeLength: 128,
  metadataBytes: 16 * 1024,
  /** Keys one identity holds at once, revoked and expired ones included (the oldest of those are pruned). */
  keysPerIdentity: 100,
});

/** The checked `apiKeys` option. */
export interface ApiKeySettings {
  prefix: string;
  lastUsedIntervalMs: number;
}

/**
 * Reads the `apiKeys` option.
 * @throws IdentityError `invalid_configuration` for an unknown member, a bad prefix or interval.
 */
export function readApiKeySettings(value: unknown): ApiKeySettings {
  const o = readConfiguration(value, "apiKeys", ["prefix", "lastUsedInterval"]);
  const prefix = o.prefix ?? DEFAULT_API_KEY_PREFIX;
  if (typeof prefix !== "string" || !PREFIX_PATTERN.test(prefix)) {
    throw new IdentityError("invalid_configuration", {
      reason:
        "apiKeys.prefix must be 2 to 20 characters: a lower-case letter, then lower-case letters or digits",
    });
  }
  const interval = o.lastUsedInterval ?? 60_000;
  if (typeof interval !== "number" || !Number.isInteger(interval) || interval < 0 || interval > 2 ** 31 - 1) {
    throw new IdentityError("invalid_configuration", {
      reason: "apiKeys.lastUsedInterval must be an integer number of milliseconds from 0 to 2147483647",
    });
  }
  return { prefix, lastUsedIntervalMs: interval };
}

const issue = (pointer: string, code: string, message: string): ValidationIssue => ({
  pointer,
  code,
  message,
});

/**
 * A Go duration as milliseconds (`0` allowed only when `allowZero`). A positive duration under 1 ms (`1ns`,
 * `999us`) would floor to 0 ms and is refused like a non-positive one; strings over 64 characters are refused
 * before parsing ({@link parseGoDurationNs}).
 * @throws ValidationError at `pointer`: `invalid_duration` | `not_future` | `too_large` (past the year 9999)
 */
export function durationArgument(value: unknown, pointer: string, allowZero: boolean, now: Date): number {
  const ns = parseGoDurationNs(value);
  const shown = typeof value === "string" ? value.slice(0, 64) : typeof value;
  if (ns === undefined) {
    throw new ValidationError([
      issue(pointer, "invalid_duration", `expected a Go duration such as "1h" or "30m", got ${shown}`),
    ]);
  }
  if (ns < 0n || (ns === 0n && !allowZero)) {
    throw new ValidationError([issue(pointer, "not_future", `the duration must be positive: ${shown}`)]);
  }
  if (ns > 0n && ns < 1_000_000n) {
    throw new ValidationError([
      issue(pointer, "not_future", `a duration under 1ms would round to 0 (use 0 or at least 1ms): ${shown}`),
    ]);
  }
  const ms = Number(ns / 1_000_000n);
  if (new Date(now.getTime() + ms).getUTCFullYear() > 9999) {
    throw new ValidationError([issue(pointer, "too_large", "the time would be after the year 9999")]);
  }
  return ms;
}

/** Printable ASCII without spaces, 1 to 128 characters. */
const SCOPE = /^[\x21-\x7e]{1,128}$/;
/** Entries a scope list may have before duplicates are dropped (the bound checked before any other work). */
const MAX_SCOPE_ENTRIES = 1024;
/** Control characters (Cc) and bidi controls (overrides, embeddings, isolates, marks): refused in key names. */
const UNSAFE_TEXT = /[\p{Cc}\p{Bidi_Control}]/u;

/**
 * A list of scopes: an array of at most 1024 entries and 64 distinct scope strings, duplicates dropped (first kept)
 * before counting.
 * @throws ValidationError at `pointer` or `pointer/<i>`
 */
export function scopesArgument(value: unknown, pointer: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new ValidationError([issue(pointer, "invalid_type", "expected an array")]);
  const tooMany = () =>
    new ValidationError([issue(pointer, "too_many", `at most ${API_KEY_LIMITS.scopes} distinct scopes`)]);
  if (value.length > MAX_SCOPE_ENTRIES) throw tooMany();
  const out = new Set<string>();
  value.forEach((scope, i) => {
    if (typeof scope !== "string" || !SCOPE.test(scope)) {
      throw new ValidationError([
        issue(
          `${pointer}/${i}`,
          "invalid_scope",
          "a scope is 1 to 128 printable ASCII characters, no spaces",
        ),
      ]);
    }
    out.add(scope);
  });
  if (out.size > API_KEY_LIMITS.scopes) throw tooMany();
  return [...out];
}

/** The checked body of `createApiKey`. */
export interface CreateApiKeyInput {
  identityId: string;
  name: string;
  expiresInMs: number | undefined;
  scopes: string[];
  metadata: JsonValue | null;
}

const BODY_KEYS = new Set(["identity_id", "name", "expires_in", "scopes", "metadata"]);

/**
 * Reads `createApiKey`'s body once (a JSON copy: getters and proxies run once, nothing of the caller's object is
 * kept) and checks every field, all issues at once.
 * @throws ValidationError `validation_failed` with one issue per bad field (pointers rooted at the body)
 */
export function readCreateBody(body: unknown, now: Date): CreateApiKeyInput {
  const copy = toJsonInput(body, { maxDepth: 64 });
  if (copy === null || typeof copy !== "object" || Array.isArray(copy)) {
    throw new ValidationError([issue("", "invalid_type", "expected an object")]);
  }
  const b = copy as Record<string, JsonValue>;
  const issues: ValidationIssue[] = [];
  for (const key of Object.keys(b)) {
    if (!BODY_KEYS.has(key))
      issues.push(
        issue(
          `/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`,
          "unrecognized_key",
          `json: unknown field "${key.slice(0, 64)}"`,
        ),
      );
  }
  if (!isUuid(b.identity_id)) issues.push(issue("/identity_id", "invalid_type", "expected a UUID string"));
  const name = b.name;
  if (typeof name !== "string" || name.length === 0 || name.length > API_KEY_LIMITS.nameLength) {
    issues.push(
      issue("/name", "invalid_name", `expected a string of 1 to ${API_KEY_LIMITS.nameLength} characters`),
    );
  } else if (UNSAFE_TEXT.test(name)) {
    issues.push(
      issue("/name", "invalid_name", "control characters and bidi controls (U+202E...) are not allowed"),
    );
  }
  let expiresInMs: number | undefined;
  let scopes: string[] = [];
  for (const check of [
    () => {
      if (b.expires_in === undefined) return;
      expiresInMs = durationArgument(b.expires_in, "/expires_in", false, now);
      if (expiresInMs < 1000) {
        throw new ValidationError([issue("/expires_in", "too_short", "a key must live at least 1s")]);
      }
    },
    () => {
      scopes = scopesArgument(b.scopes, "/scopes");
    },
    () => {
      if (
        b.metadata !== undefined &&
        Buffer.byteLength(JSON.stringify(b.metadata)) > API_KEY_LIMITS.metadataBytes
      ) {
        throw new ValidationError([
          issue("/metadata", "too_large", `at most ${API_KEY_LIMITS.metadataBytes} bytes as JSON`),
        ]);
      }
    },
  ]) {
    try {
      check();
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      issues.push(...e.issues);
    }
  }
  if (issues.length > 0) throw new ValidationError(issues);
  return {
    identityId: (b.identity_id as string).toLowerCase(),
    name: name as string,
    expiresInMs,
    scopes,
    metadata: b.metadata ?? null,
  };
}

/**
 * `authenticateApiKey`'s options: `requiredScopes` only.
 * @throws ValidationError for a non-object, an unknown option or bad scopes
 */
export function readAuthenticateOptions(options: unknown): string[] {
  if (options === undefined) return [];
  // The copy itself is bounded: a few nodes beyond the longest scope list allowed (no 1e6-node copy first).
  const copy = toJsonInput(options, { maxDepth: 3, maxNodes: MAX_SCOPE_ENTRIES + 16 });
  if (copy === null || typeof copy !== "object" || Array.isArray(copy)) {
    throw new ValidationError([issue("", "invalid_type", "expected an options object")]);
  }
  const o = copy as Record<string, JsonValue>;
  for (const key of Object.keys(o)) {
    if (key !== "requiredScopes")
      throw new ValidationError([issue(`/${key.slice(0, 64)}`, "unrecognized_key", "unknown option")]);
  }
  return scopesArgument(o.requiredScopes, "/requiredScopes");
}

/**
 * `rotateApiKey`'s options: `grace`, a Go duration ≥ 0 (default `0s`), in milliseconds.
 * @throws ValidationError for a non-object, an unknown option or a bad duration
 */
export function readRotateOptions(options: unknown, now: Date): number {
  const o = optionsArgument(options);
  for (const key of Object.keys(o)) {
    if (key !== "grace")
      throw new ValidationError([issue(`/${key.slice(0, 64)}`, "unrecognized_key", "unknown option")]);
  }
  return o.grace === undefined ? 0 : durationArgument(o.grace, "/grace", true, now);
}

import { escapePointerToken, IdentityError, isIdentityError } from "../errors/index.js";

/** A plain object read from a vendor record. */
export type Obj = Record<string, unknown>;

/** Longest `reason` of an `unconvertible_record` (it may quote a vendor's name of a hasher or algorithm). */
const MAX_REASON = 300;

/**
 * The `unconvertible_record` error: `reason` says what (cut to 300 characters: a quoted vendor name never makes a
 * report line huge), `pointer` where (RFC 6901, into the vendor record).
 */
export function unconvertible(pointer: string, reason: string): IdentityError {
  const text = reason.length > MAX_REASON ? `${reason.slice(0, MAX_REASON - 1)}…` : reason;
  return new IdentityError("unconvertible_record", { reason: text, details: { pointer } });
}

/** Longest hash text (a digest with its fields, `$`-separated) a converter splits or matches, in characters. */
export const MAX_HASH_TEXT = 4096;

/**
 * `text` when it is at most `max` characters, else `unconvertible_record` at `pointer`: every vendor string a
 * converter splits or matches is capped first, so a hostile cell costs no work beyond this check.
 */
export function capped(text: string, pointer: string, max = MAX_HASH_TEXT): string {
  if (text.length > max) throw unconvertible(pointer, `longer than ${max} characters`);
  return text;
}

/** `table[key]` when `key` is the table's own member (never an inherited `Object.prototype` name), else undefined. */
export function own<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** `base` + `/token` with the token escaped (RFC 6901). */
export function at(base: string, token: string | number): string {
  return `${base}/${escapePointerToken(String(token))}`;
}

/** True for a non-null, non-array object. */
export function isObj(value: unknown): value is Obj {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * Runs a converter body; anything thrown that is not an IdentityError (a throwing getter, a proxy, a bug) becomes
 * `unconvertible_record` at the record's root, so a converter never throws anything else.
 */
export function guarded<T>(vendor: string, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (isIdentityError(e)) throw e;
    throw unconvertible("", `${vendor}: the record could not be read`);
  }
}

/** The record itself, which must be a plain object (a JSON object or a CSV row). */
export function recordObject(vendor: string, record: unknown): Obj {
  if (!isObj(record)) throw unconvertible("", `${vendor}: a record must be a JSON object`);
  return record;
}

/** An optional string member (absent, null or "" give `undefined`); any other type is unconvertible. */
export function optString(o: Obj, key: string, base = ""): string | undefined {
  const v = Object.hasOwn(o, key) ? o[key] : undefined;
  if (v === undefined || v === null || v === "") return undefined;
  if (typeof v !== "string") throw unconvertible(at(base, key), `${key} must be a string`);
  return v;
}

/** A required string member. */
export function reqString(o: Obj, key: string, base = ""): string {
  const v = optString(o, key, base);
  if (v === undefined) throw unconvertible(at(base, key), `${key} is missing`);
  return v;
}

/**
 * An optional boolean member; CSV rows give strings, so `"true"`/`"false"` (any case), `"t"`/`"f"`, `"1"`/`"0"`
 * are read too. Absent, null or "" give `undefined`.
 */
export function optBool(o: Obj, key: string, base = ""): boolean | undefined {
  const v = Object.hasOwn(o, key) ? o[key] : undefined;
  if (v === undefined || v === null || v === "") return undefined;
  if (typeof v === "boolean") return v;
  if (typeof v === "string") {
    const s = v.toLowerCase();
    if (s === "true" || s === "t" || s === "1") return true;
    if (s === "false" || s === "f" || s === "0") return false;
  }
  throw unconvertible(at(base, key), `${key} must be a boolean`);
}

/** An optional object member; a CSV cell holding JSON text (`{...}`) is parsed. */
export function optObject(o: Obj, key: string, base = ""): Obj | undefined {
  const v = parseJsonCell(Object.hasOwn(o, key) ? o[key] : undefined, at(base, key));
  if (v === undefined || v === null) return undefined;
  if (!isObj(v)) throw unconvertible(at(base, key), `${key} must be an object`);
  return v;
}

/** An optional array member; a CSV cell holding JSON text (`[...]`) is parsed. */
export function optArray(o: Obj, key: string, base = ""): unknown[] | undefined {
  const v = parseJsonCell(Object.hasOwn(o, key) ? o[key] : undefined, at(base, key));
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw unconvertible(at(base, key), `${key} must be an array`);
  return v;
}

/** Longest JSON text parsed out of one CSV cell, in characters. */
const MAX_JSON_CELL = 65_536;

function parseJsonCell(v: unknown, pointer: string): unknown {
  if (typeof v !== "string") return v;
  const t = v.trim();
  if (t === "") return undefined;
  if (t.length > MAX_JSON_CELL) throw unconvertible(pointer, "the JSON text is too long");
  try {
    return JSON.parse(t);
  } catch {
    throw unconvertible(pointer, "the cell holds no valid JSON");
  }
}

/**
 * Traits through the user's mapping, which must return a plain object. Anything it throws (an IdentityError too)
 * becomes `unconvertible_record` at the record's root with the thrown value as `cause`.
 */
export function mapTraits(
  mapping: ((record: Obj) => Record<string, unknown>) | undefined,
  record: Obj,
  fallback: () => Obj,
): Obj {
  if (mapping === undefined) return fallback();
  let traits: unknown;
  try {
    traits = mapping(record);
  } catch (e) {
    throw new IdentityError("unconvertible_record", {
      reason: "the traits mapping threw",
      details: { pointer: "" },
      cause: e,
    });
  }
  if (!isObj(traits)) throw unconvertible("", "the traits mapping must return an object");
  return traits;
}

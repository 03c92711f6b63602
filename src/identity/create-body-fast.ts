import type { JsonValue } from "../json/json-types.js";
import { REGIONS } from "./body-fields.js";
import type { ParsedCreateIdentityBody } from "./payloads.js";

/**
 * The common create body read in one pass, without the zod schema: what `parseJson(CreateIdentityBodySchema, data)`
 * returns for it, or `undefined` whenever the body leaves the common shape (then the schema parses it and reports
 * every problem in its own words). So only what the schema would accept unchanged is read here: a plain object
 * with the create body's members; `credentials` with a password only; addresses without `verified_at` strings; no
 * `null` where Go's decoder would give a zero value. `data` is a plain JSON copy ({@link toJsonInput}'s result,
 * which bounds its nesting and size): its raw-JSON members (traits, metadata) are taken as they are, not copied.
 *
 * Equivalence with the schema is a property test (test/create-body-fast.test.ts).
 */
export function readCommonCreateBody(data: JsonValue): ParsedCreateIdentityBody | undefined {
  if (!isObject(data)) return undefined;
  const out: Record<string, unknown> = {};
  for (const key in data) {
    const value = data[key] as JsonValue;
    switch (key) {
      case "traits":
      case "metadata_public":
      case "metadata_admin":
        // Raw JSON (null is content); `traits: null` is refused by the schema.
        if (value === null && key === "traits") return undefined;
        out[key] = value;
        continue;
    }
    if (value === null) {
      if (KNOWN.has(key)) continue; // Go: a null pointer is absent
      return undefined;
    }
    switch (key) {
      case "id":
      case "organization_id":
        if (typeof value !== "string" || !GUID.test(value)) return undefined;
        break;
      case "schema_id":
      case "external_id":
        if (typeof value !== "string") return undefined;
        break;
      case "state":
        if (value === "") continue; // the default state
        if (value !== "active" && value !== "inactive") return undefined;
        break;
      case "region":
        if (typeof value !== "string" || (value !== "" && !REGIONS.includes(value))) return undefined;
        break;
      case "credentials": {
        const credentials = passwordOnly(value);
        if (credentials === undefined) return undefined;
        out[key] = credentials;
        continue;
      }
      case "verifiable_addresses":
      case "recovery_addresses": {
        const addresses = addressList(value, key === "verifiable_addresses");
        if (addresses === undefined) return undefined;
        out[key] = addresses;
        continue;
      }
      default:
        return undefined; // unknown member: the schema words the refusal
    }
    out[key] = value;
  }
  return out as ParsedCreateIdentityBody;
}

/** The create body's typed members (all optional: `null` means absent). */
const KNOWN: ReadonlySet<string> = new Set([
  "id",
  "schema_id",
  "credentials",
  "verifiable_addresses",
  "recovery_addresses",
  "state",
  "organization_id",
  "external_id",
  "region",
]);

/** gofrs/uuid's (and zod's `guid`) 8-4-4-4-12 hex form. */
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

const isObject = (v: JsonValue | undefined): v is { [key: string]: JsonValue } =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** `{ password?: { config: { password?, hashed_password?, use_password_migration_hook? } } }`, else undefined. */
function passwordOnly(value: JsonValue): Record<string, unknown> | undefined {
  if (!isObject(value)) return undefined;
  const out: Record<string, unknown> = {};
  for (const type in value) {
    const credential = value[type] as JsonValue;
    if (credential === null && type === "password") continue;
    if (type !== "password" || !isObject(credential)) return undefined;
    const config: Record<string, unknown> = {};
    let hasConfig = false;
    for (const member in credential) {
      const inner = credential[member] as JsonValue;
      if (member !== "config" || !isObject(inner)) return undefined;
      hasConfig = true;
      for (const name in inner) {
        const v = inner[name] as JsonValue;
        if (v === null) continue;
        if (name === "use_password_migration_hook" ? typeof v !== "boolean" : !PASSWORD_STRINGS.has(name))
          return undefined;
        if (name !== "use_password_migration_hook" && typeof v !== "string") return undefined;
        config[name] = v;
      }
    }
    if (!hasConfig) return undefined;
    out.password = { config };
  }
  return out;
}

const PASSWORD_STRINGS: ReadonlySet<string> = new Set(["password", "hashed_password"]);
const VIAS: ReadonlySet<unknown> = new Set(["email", "sms", ""]);
const ADDRESS_STRINGS: ReadonlySet<string> = new Set(["id", "value", "created_at", "updated_at"]);

/** Imported verifiable (`verified` defaults to false) or recovery addresses, else undefined. */
function addressList(value: JsonValue, verifiable: boolean): unknown[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const out: unknown[] = new Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const address = value[i] as JsonValue;
    if (!isObject(address)) return undefined;
    const copy: Record<string, unknown> = {};
    for (const name in address) {
      const v = address[name] as JsonValue;
      if (v === null) {
        if (
          name === "value" ||
          !(ADDRESS_STRINGS.has(name) || name === "via" || verifiableOnly(name, verifiable))
        )
          return undefined;
        continue;
      }
      if (ADDRESS_STRINGS.has(name)) {
        if (typeof v !== "string") return undefined;
      } else if (name === "via") {
        if (!VIAS.has(v)) return undefined;
      } else if (verifiable && name === "verified") {
        if (typeof v !== "boolean") return undefined;
      } else if (verifiable && name === "status") {
        if (typeof v !== "string" || v.length > 16) return undefined;
      } else {
        return undefined; // verified_at strings (an ISO check) and unknown members: the schema
      }
      copy[name] = v;
    }
    if (typeof copy.value !== "string") return undefined;
    if (verifiable && copy.verified === undefined) copy.verified = false;
    out[i] = copy;
  }
  return out;
}

/** Members only a verifiable address has, whose `null` is absent too. */
function verifiableOnly(name: string, verifiable: boolean): boolean {
  return verifiable && (name === "verified" || name === "status" || name === "verified_at");
}

/** A batch entry as the schema returns it. */
interface BatchEntry {
  create?: unknown;
  patch_id?: string;
}

/**
 * The common `PATCH /admin/identities` body read without the zod schema: `{ identities: [{ create?, patch_id? }] }`
 * (`create` left as it is, for the caller to copy and parse entry by entry), or `undefined` to let the schema parse
 * it. `data` is the body's plain JSON copy, its `create` members opaque.
 */
export function readCommonBatchBody(data: unknown): { identities: BatchEntry[] } | undefined {
  if (!isObject(data as JsonValue)) return undefined;
  const body = data as Record<string, unknown>;
  for (const key in body) if (key !== "identities") return undefined;
  const identities = body.identities;
  if (!Array.isArray(identities)) return undefined;
  const out: BatchEntry[] = new Array(identities.length);
  for (let i = 0; i < identities.length; i++) {
    const entry = identities[i] as Record<string, unknown>;
    if (!isObject(entry as JsonValue)) return undefined;
    const read: BatchEntry = {};
    for (const key in entry) {
      const value = entry[key];
      if (key === "create") {
        if (value !== null) read.create = value;
      } else if (key === "patch_id") {
        if (value === null) continue;
        if (typeof value !== "string" || !GUID.test(value)) return undefined;
        read.patch_id = value;
      } else {
        return undefined;
      }
    }
    out[i] = read;
  }
  return { identities: out };
}

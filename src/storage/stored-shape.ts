import type { StoredIdentity } from "../identity/identity.js";

/**
 * Whether a value an adapter returned has the shape of a stored identity, all the way down: the services read
 * identities, addresses and credentials without further checks, so anything off here must become the adapter's
 * failure (`storage_error`) before a `TypeError` or `RangeError` can happen deeper in. Linear in the identity.
 */
export function isStoredIdentity(value: unknown): value is StoredIdentity {
  if (!isRecord(value)) return false;
  const i = value;
  return (
    isString(i.id) &&
    isString(i.schema_id) &&
    (i.state === "active" || i.state === "inactive") &&
    isTime(i.created_at) &&
    isTime(i.updated_at) &&
    isTime(i.state_changed_at) &&
    optionalOrNull(i.external_id, isString) &&
    optionalOrNull(i.organization_id, isString) &&
    Array.isArray(i.verifiable_addresses) &&
    i.verifiable_addresses.every(isVerifiableAddress) &&
    Array.isArray(i.recovery_addresses) &&
    i.recovery_addresses.every(isRecoveryAddress) &&
    isRecord(i.credentials) &&
    Object.entries(i.credentials).every(([type, c]) => isCredential(type, c))
  );
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === "string";
/** `Date#toISOString()`'s shape, which `Date.parse` always accepts: checked first, ~3× cheaper than parsing. */
const ISO_UTC = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;
const isTime = (v: unknown): boolean =>
  typeof v === "string" && (ISO_UTC.test(v) || Number.isFinite(Date.parse(v)));
const optional = (v: unknown, check: (x: unknown) => boolean) => v === undefined || check(v);
const optionalOrNull = (v: unknown, check: (x: unknown) => boolean) => v === null || optional(v, check);
const arrayOf = (v: unknown, check: (x: unknown) => boolean) => Array.isArray(v) && v.every(check);

function isAddress(a: unknown): a is Record<string, unknown> {
  return (
    isRecord(a) &&
    isString(a.id) &&
    isString(a.value) &&
    isString(a.via) &&
    isTime(a.created_at) &&
    isTime(a.updated_at)
  );
}

function isVerifiableAddress(a: unknown): boolean {
  return (
    isAddress(a) &&
    typeof a.verified === "boolean" &&
    isString(a.status) &&
    optionalOrNull(a.verified_at, isTime)
  );
}

function isRecoveryAddress(a: unknown): boolean {
  return isAddress(a) && optionalOrNull(a.break_glass_for_organization, isString);
}

const isProvider = (p: unknown) => isRecord(p) && isString(p.provider) && isString(p.subject);

/** The config members the services read, per credential type; other members are carried as they are. */
const CONFIG_CHECKS: Record<string, (config: Record<string, unknown>) => boolean> = {
  password: (c) => optional(c.hashed_password, isString) && optional(c.use_password_migration_hook, isBool),
  oidc: (c) => optional(c.providers, (p) => arrayOf(p, isProvider)),
  saml: (c) => optional(c.providers, (p) => arrayOf(p, isProvider)),
  totp: (c) => optional(c.totp_url, isString),
  lookup_secret: (c) => optional(c.codes, (codes) => arrayOf(codes, (x) => isRecord(x) && isString(x.code))),
  code: (c) =>
    optional(c.addresses, (list) =>
      arrayOf(list, (x) => isRecord(x) && isString(x.address) && isString(x.channel)),
    ),
  // webauthn / passkey configs are read defensively where they are used (a malformed key list, which a JSON Patch
  // may store, fails the next import with validation_failed), so any object passes here.
};

const isBool = (v: unknown) => typeof v === "boolean";

function isCredential(type: string, c: unknown): boolean {
  if (!isRecord(c)) return false;
  if (c.type !== type || !arrayOf(c.identifiers, isString) || typeof c.version !== "number") return false;
  if (!isTime(c.created_at) || !isTime(c.updated_at)) return false;
  if (c.config === undefined) return true;
  if (!isRecord(c.config)) return false;
  return CONFIG_CHECKS[type]?.(c.config) ?? true;
}

import { hash } from "node:crypto";
import type { CredentialsType, StoredIdentity } from "../identity/identity.js";

/** One uniqueness key of an identity (storage contract): what it is, for the conflict message, and its digest. */
export interface UniqueKey {
  kind: "credential" | "verifiable_address" | "recovery_address" | "external_id";
  /** The credential type or the address channel; "" for external_id. */
  scope: string;
  value: string;
  /** Hex SHA-256 of `kind NUL scope NUL value`; decoded, the primary key of `idkit_identity_keys`. */
  digest: string;
}

/** The key's digest: one-shot `crypto.hash` (about 3× cheaper than `createHash(...).update(...).digest()`). */
export function digestOf(kind: UniqueKey["kind"], scope: string, value: string): string {
  return hash("sha256", `${kind}\0${scope}\0${value}`, "hex");
}

/** The key a credential identifier occupies. */
export function credentialKey(type: CredentialsType, identifier: string): string {
  return digestOf("credential", type, identifier);
}

/** The key an external_id occupies. */
export function externalIdKey(externalId: string): string {
  return digestOf("external_id", "", externalId);
}

/** Every uniqueness key an identity occupies, in a fixed order (identifiers, addresses, external_id). */
export function uniqueKeys(identity: StoredIdentity): UniqueKey[] {
  const keys: UniqueKey[] = [];
  const add = (kind: UniqueKey["kind"], scope: string, value: string) =>
    keys.push({ kind, scope, value, digest: digestOf(kind, scope, value) });
  for (const [type, credential] of Object.entries(identity.credentials)) {
    for (const identifier of credential?.identifiers ?? []) add("credential", type, identifier);
  }
  for (const a of identity.verifiable_addresses) add("verifiable_address", a.via, a.value);
  for (const a of identity.recovery_addresses) add("recovery_address", a.via, a.value);
  if (identity.external_id) add("external_id", "", identity.external_id);
  return keys;
}

/** The identity columns, in the order of {@link identityParams}. */
export const IDENTITY_COLUMNS = [
  "id",
  "schema_id",
  "state",
  "state_changed_at",
  "traits",
  "verifiable_addresses",
  "recovery_addresses",
  "metadata_public",
  "metadata_admin",
  "credentials",
  "external_id",
  "organization_id",
  "created_at",
  "updated_at",
] as const;

const JSON_COLUMNS: ReadonlySet<string> = new Set([
  "traits",
  "verifiable_addresses",
  "recovery_addresses",
  "metadata_public",
  "metadata_admin",
  "credentials",
]);
const UUID_COLUMNS: ReadonlySet<string> = new Set(["id", "organization_id"]);

/** SQL type each column's parameter is sent as (text, cast in SQL), so every driver serialises them alike. */
export function columnCast(column: string): string {
  return JSON_COLUMNS.has(column) ? "jsonb" : UUID_COLUMNS.has(column) ? "uuid" : "text";
}

/**
 * The select list that reads an identity back as text, so no driver's type parsing is involved. TEXT columns
 * travel JSON-encoded (`to_json(...)::text`): a driver that decodes text with a BOM-stripping decoder (PGlite)
 * would otherwise drop a leading U+FEFF from a value such as an `external_id`.
 */
export const IDENTITY_SELECT = IDENTITY_COLUMNS.map((c) =>
  JSON_COLUMNS.has(c) || UUID_COLUMNS.has(c) ? `i.${c}::text AS ${c}` : `to_json(i.${c})::text AS ${c}`,
).join(", ");

/** An identity as one parameter per column (JSON as text). */
export function identityParams(identity: StoredIdentity): Array<string | null> {
  return IDENTITY_COLUMNS.map((column) => {
    const value = identity[column];
    if (JSON_COLUMNS.has(column)) return JSON.stringify(value ?? null);
    return value === null || value === undefined ? null : String(value);
  });
}

/** A row read with {@link IDENTITY_SELECT} back into the stored shape (checked again by `RuntimeStorage`). */
export function identityFromRow(row: Record<string, unknown>): StoredIdentity {
  const json = (column: string) => {
    const text = row[column];
    return typeof text === "string" ? JSON.parse(text) : null;
  };
  return {
    id: row.id as string,
    schema_id: json("schema_id"),
    state: json("state"),
    state_changed_at: json("state_changed_at"),
    traits: json("traits"),
    verifiable_addresses: json("verifiable_addresses"),
    recovery_addresses: json("recovery_addresses"),
    metadata_public: json("metadata_public"),
    metadata_admin: json("metadata_admin"),
    credentials: json("credentials"),
    external_id: json("external_id"),
    organization_id: (row.organization_id as string | null) ?? null,
    created_at: json("created_at"),
    updated_at: json("updated_at"),
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** True for a lower-case canonical UUID: only those are sent to a UUID column (anything else matches nothing). */
export function isLowerUuid(value: unknown): value is string {
  return typeof value === "string" && UUID.test(value);
}

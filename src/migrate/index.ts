/**
 * idkit/migrate: converters from other identity systems' exports (Auth0, Firebase, Clerk, Supabase, Keycloak,
 * Kratos) to idkit create bodies, for `importIdentities`, `batchPatchIdentities` or `createIdentity`. Each converter
 * is a pure function of one vendor record; docs/migration.md says what maps to what per vendor.
 *
 * @module
 */
import { fromAuth0 } from "./auth0.js";
import { fromClerk } from "./clerk.js";
import { fromFirebase } from "./firebase.js";
import { fromKeycloak } from "./keycloak.js";
import { fromKratos } from "./kratos.js";
import { isObj } from "./record.js";
import { fromSupabase } from "./supabase.js";
import type { Converter, MigrationVendor, VendorFormat } from "./types.js";

export type { CreateIdentityBody } from "../identity/payloads.js";
export {
  type Converter,
  type ConvertOptions,
  MIGRATION_VENDORS,
  type MigrationVendor,
  type VendorFormat,
} from "./types.js";
export { fromAuth0, fromClerk, fromFirebase, fromKeycloak, fromKratos, fromSupabase };

/** Every converter by vendor (the CLI's `--from`). */
export const converters: Readonly<Record<MigrationVendor, Converter>> = Object.freeze({
  auth0: fromAuth0,
  firebase: fromFirebase,
  clerk: fromClerk,
  supabase: fromSupabase,
  keycloak: fromKeycloak,
  kratos: fromKratos,
});

/** A string or finite number member of a record, as text; never throws. */
function idField(...keys: string[]): (record: unknown) => string | undefined {
  return (record) => {
    try {
      if (!isObj(record)) return undefined;
      for (const key of keys) {
        const v = Object.hasOwn(record, key) ? record[key] : undefined;
        if (typeof v === "string" && v !== "") return v.slice(0, 256);
        if (typeof v === "number" && Number.isFinite(v)) return String(v);
      }
    } catch {
      // a hostile record has no id
    }
    return undefined;
  };
}

/** Auth0's `user_id`, else `auth0|<_id.$oid>` of the password-hash export (what `fromAuth0` makes the external id). */
function auth0Id(record: unknown): string | undefined {
  const direct = idField("user_id")(record);
  if (direct !== undefined) return direct;
  try {
    const id = isObj(record) && Object.hasOwn(record, "_id") ? record._id : undefined;
    const oid = isObj(id) ? idField("$oid")(id) : idField("_id")(record);
    return oid === undefined ? undefined : `auth0|${oid}`;
  } catch {
    return undefined;
  }
}

/**
 * Where each vendor's export keeps its records:
 * - Auth0: the user export job's NDJSON (one user per line; `user_id`), or the password-hash export's NDJSON
 *   (`auth0|<_id.$oid>`), or a bulk-import JSON array;
 * - Firebase: `firebase auth:export users.json` gives `{ "users": [...] }` (`localId`);
 * - Clerk: the dashboard's CSV export (`id`), or JSON/NDJSON of the same rows;
 * - Supabase: `auth.users` rows as a JSON array, NDJSON or CSV (`id`);
 * - Keycloak: a realm export (`kc.sh export`) `{ "users": [...] }` (`id`, else `username`);
 * - Kratos: `GET /admin/identities` pages as a JSON array, or NDJSON (`id`).
 */
export const vendorFormats: Readonly<Record<MigrationVendor, VendorFormat>> = Object.freeze({
  auth0: Object.freeze({ formats: Object.freeze(["ndjson", "json"] as const), idOf: auth0Id }),
  firebase: Object.freeze({
    formats: Object.freeze(["json"] as const),
    recordsPath: "users",
    idOf: idField("localId"),
  }),
  clerk: Object.freeze({ formats: Object.freeze(["csv", "json", "ndjson"] as const), idOf: idField("id") }),
  supabase: Object.freeze({
    formats: Object.freeze(["json", "ndjson", "csv"] as const),
    idOf: idField("id"),
  }),
  keycloak: Object.freeze({
    formats: Object.freeze(["json"] as const),
    recordsPath: "users",
    idOf: idField("id", "username"),
  }),
  kratos: Object.freeze({ formats: Object.freeze(["json", "ndjson"] as const), idOf: idField("id") }),
});

import type { CreateIdentityBody } from "../identity/payloads.js";

/** The vendors whose exports idkit converts. */
export const MIGRATION_VENDORS = ["auth0", "firebase", "clerk", "supabase", "keycloak", "kratos"] as const;
/** One of {@link MIGRATION_VENDORS}. */
export type MigrationVendor = (typeof MIGRATION_VENDORS)[number];

/** Options of every converter. */
export interface ConvertOptions {
  /**
   * Overrides the traits mapping: receives the vendor record, returns the identity's traits. Default: `{ email }`
   * from the vendor's email field (lower-cased as the vendor stores it), which fits idkit's `default` and
   * `preset://email` schemas; a record without an email is then `unconvertible_record`. Anything the mapping
   * throws (an IdentityError too) becomes `unconvertible_record` at `""`, the thrown value as its `cause`.
   */
  traits?: (record: Record<string, unknown>) => Record<string, unknown>;
  /** `schema_id` of the body. Default: none (the manager's default schema). */
  schemaId?: string;
  /**
   * Vendor hash configuration, e.g. Firebase's `{ signerKey, saltSeparator, rounds, memCost }` (the project's
   * `hash_config`, base64 keys as the console shows them). Parsed from the CLI's `--hash-config` JSON.
   */
  hashConfig?: Record<string, unknown>;
  /**
   * Maps the vendor's name of a social provider (Auth0 connection, Firebase `providerId`, Supabase `provider`,
   * Keycloak alias) to the idkit OIDC provider id; `undefined` drops the link. Default: the built-in table of
   * each vendor section of docs/migration.md (e.g. `google-oauth2` and `google.com` → `google`), else the name
   * (a name such as `constructor` or `__proto__` stays that string). Anything it throws → `unconvertible_record`.
   */
  oidcProvider?: (name: string) => string | undefined;
}

/**
 * Converts one vendor record (a parsed JSON object, or one CSV row as an object keyed by header) to an idkit create
 * body. Pure and synchronous: no hashing, no I/O.
 *
 * @throws IdentityError `unconvertible_record` (400) for any record it cannot convert (wrong shape, unknown hasher,
 *   no email for the default traits, any non-object value), with `details.pointer` (RFC 6901, into the record) and
 *   `reason`. Never any other error.
 */
export type Converter = (record: unknown, options?: ConvertOptions) => CreateIdentityBody;

/** Where a vendor's export keeps its records and how each is named. */
export interface VendorFormat {
  /** File formats the vendor exports (and the converter accepts rows of). */
  readonly formats: readonly ("json" | "ndjson" | "csv")[];
  /** In a JSON document, the member holding the array of records (`"users"`); absent: the document is the array. */
  readonly recordsPath?: string;
  /** The vendor's id of a record (for error reports), or `undefined`; never throws. */
  idOf(record: unknown): string | undefined;
}

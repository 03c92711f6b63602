const READ_ONLY_KEYS = [
  "id",
  "schema_url",
  "created_at",
  "updated_at",
  "state_changed_at",
  "verifiable_addresses",
  "recovery_addresses",
  "organization_id",
];

const CREDENTIAL_ENVELOPE_KEYS = ["type", "identifiers", "version", "created_at", "updated_at"];

/**
 * Whether a credential taken from a GET response carries nothing to import: no config (not included), an empty
 * one (a password credential without a password), a type derived from traits or not importable, or lookup codes
 * that are already stored (importing appends them).
 */
function skipWhenSentBack(type: string, config: unknown): boolean {
  if (!IMPORTABLE_FROM_RESPONSE.has(type)) return true;
  if (!config || typeof config !== "object" || Object.keys(config).length === 0) return true;
  if (type === "password") {
    // Nothing to import without a hash or the migration hook (e.g. `{ use_password_migration_hook: false }`).
    const c = config as {
      hashed_password?: unknown;
      use_password_migration_hook?: unknown;
      password?: unknown;
    };
    return !c.hashed_password && c.use_password_migration_hook !== true && !c.password;
  }
  return type === "lookup_secret";
}

const IMPORTABLE_FROM_RESPONSE = new Set(["password", "oidc", "saml", "totp", "lookup_secret"]);

/** Drops the read-only fields a GET response carries, so that a fetched identity can be PUT back. */
export function stripReadOnly(body: unknown): unknown {
  if (!body || typeof body !== "object" || Array.isArray(body)) return body;
  const out: Record<string, unknown> = { ...(body as Record<string, unknown>) };
  for (const key of READ_ONLY_KEYS) delete out[key];
  if (out.credentials && typeof out.credentials === "object") {
    const creds: Record<string, unknown> = {};
    for (const [type, c] of Object.entries(out.credentials as Record<string, unknown>)) {
      if (!c || typeof c !== "object") {
        creds[type] = c;
        continue;
      }
      const fromResponse = CREDENTIAL_ENVELOPE_KEYS.some((k) => k in (c as Record<string, unknown>));
      const copy = { ...(c as Record<string, unknown>) };
      for (const k of CREDENTIAL_ENVELOPE_KEYS) delete copy[k];
      if (fromResponse && skipWhenSentBack(type, copy.config)) continue;
      creds[type] = copy;
    }
    out.credentials = creds;
  }
  return out;
}

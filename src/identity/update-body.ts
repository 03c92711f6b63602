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
      const copy = { ...(c as Record<string, unknown>) };
      for (const k of CREDENTIAL_ENVELOPE_KEYS) delete copy[k];
      // A GET without include_credential has no config, and a password credential without a password has an
      // empty one: nothing to import for that type.
      const config = copy.config as Record<string, unknown> | undefined;
      if (
        Object.keys(copy).length === 0 ||
        (Object.keys(copy).length === 1 && config && Object.keys(config).length === 0)
      ) {
        continue;
      }
      creds[type] = copy;
    }
    out.credentials = creds;
  }
  return out;
}

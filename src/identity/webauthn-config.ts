import { cloneJson } from "./clone.js";

/** The 16 bytes of a UUID in standard base64, as Go's `json.Marshal(id[:])` writes them. */
export function uuidUserHandle(identityId: string): string {
  const hex = identityId.replace(/-/g, "");
  return /^[0-9a-fA-F]{32}$/.test(hex)
    ? Buffer.from(hex, "hex").toString("base64")
    : Buffer.from(identityId, "utf8").toString("base64");
}

/**
 * Kratos's read-time `UpgradeWebAuthnCredentials` (`identity/credentials_migrate.go`) on a config about to be
 * returned: a missing or empty `user_handle` becomes the identity id's bytes and keys without `is_passwordless`
 * get `false`. Other members are left as stored. Returns a copy.
 */
export function upgradeWebAuthnConfig(
  config: Record<string, unknown>,
  identityId: string,
): Record<string, unknown> {
  const out = cloneJson(config);
  if (out.user_handle === undefined || out.user_handle === null || out.user_handle === "") {
    out.user_handle = uuidUserHandle(identityId);
  }
  if (Array.isArray(out.credentials)) {
    for (const key of out.credentials) {
      if (key !== null && typeof key === "object" && !Array.isArray(key) && !("is_passwordless" in key)) {
        (key as Record<string, unknown>).is_passwordless = false;
      }
    }
  }
  return out;
}

import { IdentityError, NotFoundError, ValidationError } from "../errors/index.js";
import { cloneJson } from "../identity/clone.js";
import type { CredentialsMap, CredentialsType, OidcCredentialConfig } from "../identity/identity.js";

/**
 * Counts active first-factor credentials (spec 1.4): a password with an identifier and a hash (or the migration
 * hook), each oidc/saml provider linked by identifier and outside an organization, passwordless webauthn keys,
 * and passkeys; webauthn and passkey keys only when their credential has an identifier (Kratos
 * `selfservice/strategy/{webauthn,passkey}` `countCredentials`).
 */
export function countActiveFirstFactors(credentials: CredentialsMap): number {
  let count = 0;
  const pw = credentials.password;
  if (
    pw?.identifiers.some((i) => i !== "") &&
    (pw.config?.hashed_password || pw.config?.use_password_migration_hook === true)
  ) {
    count++;
  }
  for (const type of ["oidc", "saml"] as const) {
    const c = credentials[type];
    const providers = (c?.config as unknown as OidcCredentialConfig | undefined)?.providers ?? [];
    count += providers.filter(
      (p) => !p.organization && c?.identifiers.includes(`${p.provider}:${p.subject}`),
    ).length;
  }
  // Kratos's webauthn and passkey strategies (countCredentials) count keys only when the credential has a
  // non-empty identifier: a passwordless login looks the identity up by it.
  const keys = (type: CredentialsType) => {
    const c = credentials[type];
    const list = c?.config?.credentials;
    if (!c || c.identifiers.join("") === "" || !Array.isArray(list)) return [];
    return list as Array<{ is_passwordless?: unknown } | null>;
  };
  count += keys("webauthn").filter((k) => k?.is_passwordless === true).length;
  count += keys("passkey").length;
  return count;
}

const MISSING_IDENTIFIER = "You must provide an identifier to delete this credential.";

/**
 * Returns the credentials with one removed, by Kratos's rules (spec 3.11).
 * @throws NotFoundError `credential_not_found` | IdentityError `last_credential`, `credential_not_deletable` |
 *   ValidationError (oidc/saml without identifier)
 */
export function deleteCredentialFrom(
  credentials: CredentialsMap,
  type: CredentialsType,
  identifier: string | undefined,
  now: string,
): CredentialsMap {
  const name = String(type);
  const cred = Object.hasOwn(credentials, name) ? credentials[name as CredentialsType] : undefined;
  if (!cred) {
    throw new NotFoundError("credential_not_found", {
      reason: `You tried to remove a ${name} but this user have no ${name} set up.`,
    });
  }
  const out: CredentialsMap = cloneJson(credentials);
  switch (type) {
    case "totp":
    case "lookup_secret":
      delete out[type];
      return out;
    case "webauthn": {
      const list = cred.config?.credentials;
      const keys = Array.isArray(list) ? (list as Array<{ is_passwordless?: unknown } | null>) : [];
      const kept = keys.filter((k) => k?.is_passwordless === true);
      if (kept.length === 0) delete out.webauthn;
      else out.webauthn = { ...cred, config: { ...cred.config, credentials: kept }, updated_at: now };
      return out;
    }
    case "password":
    case "oidc":
    case "saml":
      break;
    default:
      throw new IdentityError("credential_not_deletable", {
        reason: `Credentials type ${name} cannot be deleted.`,
      });
  }
  if (countActiveFirstFactors(credentials) < 2) {
    throw new IdentityError("last_credential", {
      reason: "You cannot remove the last first factor credential.",
    });
  }
  if (type === "password") {
    out.password = { ...cred, config: {}, updated_at: now };
    return out;
  }
  // Kratos reads `identifier` from the query string: absent and empty are the same.
  const wanted = identifier === undefined || identifier === null ? "" : String(identifier);
  if (wanted === "") {
    throw new ValidationError([{ pointer: "/identifier", code: "required", message: MISSING_IDENTIFIER }], {
      reason: MISSING_IDENTIFIER,
    });
  }
  if (!cred.identifiers.includes(wanted)) {
    // Kratos says "OIDC credentials" for saml too (`identity/identity.go` deleteCredentialOIDCSAMLFromIdentity).
    throw new NotFoundError("credential_not_found", {
      reason: `The identifier \`${wanted}\` was not found among OIDC credentials.`,
    });
  }
  const config = cloneJson((cred.config ?? { providers: [] }) as unknown as OidcCredentialConfig);
  config.providers = (config.providers ?? []).filter((p) => `${p.provider}:${p.subject}` !== wanted);
  out[type] = {
    ...cred,
    identifiers: cred.identifiers.filter((i) => i !== wanted),
    config: config as unknown as Record<string, unknown>,
    updated_at: now,
  };
  return out;
}

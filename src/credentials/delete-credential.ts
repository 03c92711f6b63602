import { IdentityError, NotFoundError, ValidationError } from "../errors/index.js";
import { cloneJson } from "../identity/clone.js";
import type { CredentialsMap, CredentialsType, OidcCredentialConfig } from "../identity/identity.js";

/**
 * Counts active first-factor credentials (spec 1.4): a password with an identifier and a hash (or the migration
 * hook), each oidc/saml provider linked by identifier and outside an organization, passwordless webauthn keys,
 * and passkeys.
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
  const keys = (type: CredentialsType) =>
    (credentials[type]?.config?.credentials as Array<{ is_passwordless?: boolean }> | undefined) ?? [];
  count += keys("webauthn").filter((k) => k.is_passwordless === true).length;
  count += keys("passkey").length;
  return count;
}

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
  const cred = Object.hasOwn(credentials, type) ? credentials[type] : undefined;
  if (!cred) {
    throw new NotFoundError("credential_not_found", {
      message: `You tried to remove a ${type} but this user have no ${type} set up.`,
    });
  }
  const out: CredentialsMap = cloneJson(credentials);
  switch (type) {
    case "totp":
    case "lookup_secret":
      delete out[type];
      return out;
    case "webauthn": {
      const keys = (cred.config?.credentials as Array<{ is_passwordless?: boolean }> | undefined) ?? [];
      const kept = keys.filter((k) => k.is_passwordless === true);
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
        message: `Credentials type ${type} cannot be deleted.`,
      });
  }
  if (countActiveFirstFactors(credentials) < 2) throw new IdentityError("last_credential");
  if (type === "password") {
    out.password = { ...cred, config: {}, updated_at: now };
    return out;
  }
  if (!identifier) {
    throw new ValidationError([
      {
        pointer: "/identifier",
        code: "required",
        message: "You must provide an identifier to delete this credential.",
      },
    ]);
  }
  if (!cred.identifiers.includes(identifier)) {
    throw new NotFoundError("credential_not_found", {
      message: `The identifier \`${identifier}\` was not found among ${type.toUpperCase()} credentials.`,
    });
  }
  const config = cloneJson((cred.config ?? { providers: [] }) as unknown as OidcCredentialConfig);
  config.providers = (config.providers ?? []).filter((p) => `${p.provider}:${p.subject}` !== identifier);
  out[type] = {
    ...cred,
    identifiers: cred.identifiers.filter((i) => i !== identifier),
    config: config as unknown as Record<string, unknown>,
    updated_at: now,
  };
  return out;
}

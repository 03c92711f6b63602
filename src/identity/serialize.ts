import { cloneJson } from "./clone.js";
import type {
  Credential,
  CredentialsMap,
  CredentialsType,
  Identity,
  OidcCredentialConfig,
  RecoveryAddress,
  StoredIdentity,
  VerifiableAddress,
} from "./identity.js";
import { upgradeWebAuthnConfig } from "./webauthn-config.js";

/** How credentials appear in a serialised identity (Kratos `identity/identity.go` variants, spec 1.2). */
export type CredentialsView =
  /** No credentials (public view, list default). */
  | { mode: "none" }
  /** Credentials without their config (responses to create, update, patch). */
  | { mode: "no_config" }
  /** Credentials; config only for the named types, oidc/saml rebuilt (admin get/list with include_credential). */
  | { mode: "declassified"; include: readonly CredentialsType[] };

function verifiableJson(a: VerifiableAddress): VerifiableAddress {
  const out: VerifiableAddress = {
    id: a.id,
    value: a.value,
    verified: a.verified,
    via: a.via,
    status: a.status,
  } as VerifiableAddress;
  if (a.verified_at) out.verified_at = a.verified_at;
  out.created_at = a.created_at;
  out.updated_at = a.updated_at;
  return out;
}

function recoveryJson(a: RecoveryAddress): RecoveryAddress {
  const out = { id: a.id, value: a.value, via: a.via } as RecoveryAddress;
  if (a.break_glass_for_organization) out.break_glass_for_organization = a.break_glass_for_organization;
  out.created_at = a.created_at;
  out.updated_at = a.updated_at;
  return out;
}

function declassifiedConfig(c: Credential, identityId: string): Record<string, unknown> | undefined {
  // Kratos upgrades webauthn configs on every read (user handle, is_passwordless): see upgradeWebAuthnConfig.
  if (c.type === "webauthn") return upgradeWebAuthnConfig(c.config ?? {}, identityId);
  if (c.type !== "oidc" && c.type !== "saml") return c.config && cloneJson(c.config);
  const providers = ((c.config as unknown as OidcCredentialConfig | undefined)?.providers ?? []).map((p) => {
    const out: Record<string, unknown> = { subject: p.subject, provider: p.provider };
    if (c.type === "oidc") {
      out.initial_id_token = p.initial_id_token ?? "";
      out.initial_access_token = p.initial_access_token ?? "";
      out.initial_refresh_token = p.initial_refresh_token ?? "";
    }
    if (p.organization) out.organization = p.organization;
    if (p.use_auto_link === true) out.use_auto_link = true;
    return out;
  });
  return { providers };
}

function credentialsJson(
  creds: CredentialsMap,
  view: CredentialsView,
  identityId: string,
): CredentialsMap | undefined {
  const out: CredentialsMap = {};
  // Kratos serialises the credentials map with Go's encoding/json, which sorts map keys.
  for (const [type, c] of (Object.entries(creds) as [CredentialsType, Credential][]).sort(([a], [b]) =>
    a < b ? -1 : 1,
  )) {
    const json: Credential = { type: c.type, identifiers: [...c.identifiers].sort() } as Credential;
    if (view.mode === "declassified" && view.include.includes(type)) {
      const config = declassifiedConfig(c, identityId);
      if (config !== undefined) json.config = config;
    }
    json.version = c.version;
    json.created_at = c.created_at;
    json.updated_at = c.updated_at;
    out[type] = json;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

const asIs = <V>(value: V): V => value;

/**
 * Serialises a stored identity to Kratos's wire JSON: empty optional fields omitted, `metadata_public` and
 * `organization_id` always present (null when unset), credential identifiers sorted. Traits and metadata are
 * deep copies, unless `owned` says `stored` is the caller's to give away (nothing else refers to them).
 */
export function toIdentityJson<T>(
  stored: StoredIdentity,
  schemaUrl: string,
  options: { credentials: CredentialsView; metadataAdmin: boolean; owned?: boolean },
): Identity<T> {
  const copy: <V>(value: V) => V = options.owned ? asIs : cloneJson;
  const out = { id: stored.id } as Identity<T>;
  if (options.credentials.mode !== "none") {
    const creds = credentialsJson(stored.credentials, options.credentials, stored.id);
    if (creds) out.credentials = creds;
  }
  out.schema_id = stored.schema_id;
  out.schema_url = schemaUrl;
  out.state = stored.state;
  if (stored.state_changed_at) out.state_changed_at = stored.state_changed_at;
  out.traits = copy(stored.traits) as T;
  if (stored.verifiable_addresses.length > 0)
    out.verifiable_addresses = stored.verifiable_addresses.map(verifiableJson);
  if (stored.recovery_addresses.length > 0)
    out.recovery_addresses = stored.recovery_addresses.map(recoveryJson);
  out.metadata_public = copy(stored.metadata_public ?? null);
  if (options.metadataAdmin) out.metadata_admin = copy(stored.metadata_admin ?? null);
  out.created_at = stored.created_at;
  out.updated_at = stored.updated_at;
  out.organization_id = stored.organization_id ?? null;
  if (stored.external_id) out.external_id = stored.external_id;
  return out;
}

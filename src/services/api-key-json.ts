import { cloneJson } from "../identity/clone.js";
import type {
  Credential,
  CredentialsMap,
  CredentialsType,
  Identity,
  StoredIdentity,
} from "../identity/identity.js";
import { type CredentialsView, toIdentityJson } from "../identity/serialize.js";

const NO_CONFIG: CredentialsView = Object.freeze({ mode: "no_config" });

/**
 * The identity `authenticateApiKey` resolves to: Kratos's admin JSON without credential config, its `api_key`
 * credential listing only the presented key's id — exactly
 * `toIdentityJson(withOwnKeyOnly(key, stored), schemaUrl, { credentials: { mode: "no_config" }, metadataAdmin: true })`
 * (same members, same order, same values), built in one pass without the intermediate identity. Everything in it
 * is fresh: `stored` (possibly MemoryStorage's own decoded record) is only read. Identities with addresses take
 * `toIdentityJson` itself (machine identities have none).
 */
export function authenticatedIdentityJson(
  stored: StoredIdentity,
  keyId: string,
  schemaUrl: string,
): Identity {
  if (stored.verifiable_addresses.length > 0 || stored.recovery_addresses.length > 0) {
    return toIdentityJson(ownKeyOnly(stored, keyId), schemaUrl, {
      credentials: NO_CONFIG,
      metadataAdmin: true,
    });
  }
  const out = { id: stored.id } as Identity;
  const credentials = credentialsJson(stored.credentials, keyId);
  if (credentials) out.credentials = credentials;
  out.schema_id = stored.schema_id;
  out.schema_url = schemaUrl;
  out.state = stored.state;
  if (stored.state_changed_at) out.state_changed_at = stored.state_changed_at;
  out.traits = cloneJson(stored.traits) as Identity["traits"];
  out.metadata_public = cloneJson(stored.metadata_public ?? null);
  out.metadata_admin = cloneJson(stored.metadata_admin ?? null);
  out.created_at = stored.created_at;
  out.updated_at = stored.updated_at;
  out.organization_id = stored.organization_id ?? null;
  if (stored.external_id) out.external_id = stored.external_id;
  return out;
}

/**
 * `identity` with its `api_key` credential listing only `keyId` (not every key id of the account: a host that
 * echoes the identity must not hand each caller its sibling keys' ids). A new object over `identity`'s members
 * (never changed): serialise it, never hand it out.
 */
export function ownKeyOnly(identity: StoredIdentity, keyId: string): StoredIdentity {
  const credential = identity.credentials.api_key;
  if (credential === undefined) return identity;
  const own = { ...credential, identifiers: [keyId] };
  return { ...identity, credentials: { ...identity.credentials, api_key: own } };
}

/** serialize.ts's credentialsJson for `no_config`, the `api_key` credential's identifiers being `[keyId]`. */
function credentialsJson(creds: CredentialsMap, keyId: string): CredentialsMap | undefined {
  const types = Object.keys(creds) as CredentialsType[];
  if (types.length === 0) return undefined;
  // Kratos serialises the credentials map with Go's encoding/json, which sorts map keys.
  if (types.length > 1) types.sort((a, b) => (a < b ? -1 : 1));
  const out: CredentialsMap = {};
  for (const type of types) {
    const c = creds[type] as Credential;
    const identifiers = type === "api_key" ? [keyId] : [...c.identifiers].sort();
    const json = { type: c.type, identifiers } as Credential;
    json.version = c.version;
    json.created_at = c.created_at;
    json.updated_at = c.updated_at;
    out[type] = json;
  }
  return out;
}

import type { JsonObject, JsonValue } from "../json/json-types.js";

/**
 * The identity model, field for field as Kratos serialises it (`identity/identity.go`): `JSON.stringify(identity)`
 * is what Kratos's admin API returns.
 */

/** `active` (default) or `inactive`; an inactive identity cannot log in. */
export type IdentityState = "active" | "inactive";
export const IDENTITY_STATES: readonly IdentityState[] = Object.freeze(["active", "inactive"]);

/** Address channel. */
export type AddressVia = "email" | "sms";

/** Verification status of a verifiable address. */
export type VerifiableAddressStatus = "pending" | "sent" | "completed";

export type { JsonObject, JsonValue };

export interface VerifiableAddress {
  id: string;
  value: string;
  verified: boolean;
  via: AddressVia;
  status: VerifiableAddressStatus | (string & {});
  verified_at?: string;
  created_at: string;
  updated_at: string;
}

export interface RecoveryAddress {
  id: string;
  value: string;
  via: AddressVia;
  break_glass_for_organization?: string;
  created_at: string;
  updated_at: string;
}

/**
 * Credential types Kratos knows (`identity/credentials.go`), and idkit's `api_key` (a service account's API keys:
 * the identifiers are the key ids, no secrets; managed only by the API key methods, `docs/machine-identities.md`).
 */
export type CredentialsType =
  | "password"
  | "oidc"
  | "saml"
  | "totp"
  | "lookup_secret"
  | "webauthn"
  | "passkey"
  | "code"
  | "deviceauthn"
  | "profile"
  | "api_key";

export const CREDENTIALS_TYPES: readonly CredentialsType[] = Object.freeze([
  "password",
  "oidc",
  "saml",
  "totp",
  "lookup_secret",
  "webauthn",
  "passkey",
  "code",
  "deviceauthn",
  "profile",
  "api_key",
]);

/** Config of a `password` credential. */
export interface PasswordCredentialConfig {
  hashed_password?: string;
  use_password_migration_hook?: boolean;
}

/** One linked OIDC provider account. */
export interface OidcProvider {
  subject: string;
  provider: string;
  initial_id_token?: string;
  initial_access_token?: string;
  initial_refresh_token?: string;
  organization?: string;
  use_auto_link?: boolean;
}

export interface OidcCredentialConfig {
  providers: OidcProvider[];
}

export interface CodeAddress {
  channel: AddressVia;
  address: string;
}

export interface CodeCredentialConfig {
  addresses: CodeAddress[];
}

/** One stored WebAuthn or passkey key, as Kratos serialises `CredentialWebAuthn` (byte fields in base64). */
export interface WebAuthnKey {
  id: string;
  public_key: string;
  attestation_type: string;
  authenticator?: { aaguid: string | null; sign_count: number; clone_warning: boolean };
  display_name?: string;
  added_at?: string;
  is_passwordless?: boolean;
  flags?: { user_present: boolean; user_verified: boolean; backup_eligible: boolean; backup_state: boolean };
  transport?: string[];
  attestation?: {
    client_dataJSON: string | null;
    client_data_hash: string | null;
    authenticator_data: string | null;
    public_key_algorithm: number;
    object: string | null;
  };
}

/** Config of a `webauthn` or `passkey` credential (Kratos `CredentialsWebAuthnConfig`), byte fields in base64. */
export interface WebAuthnCredentialConfig {
  credentials: WebAuthnKey[] | null;
  user_handle: string | null;
}

/** Kratos's credential envelope. `config` is absent when stripped from a response. */
export interface Credential<C = Record<string, unknown>> {
  type: CredentialsType;
  identifiers: string[];
  config?: C;
  version: number;
  created_at: string;
  updated_at: string;
}

export type CredentialsMap = Partial<Record<CredentialsType, Credential>>;

/**
 * An identity in Kratos's wire JSON. Generic over the traits type: `Identity<{ email: string }>`.
 * Optional fields are omitted when empty, exactly as Kratos omits them.
 */
export interface Identity<Traits = JsonObject> {
  id: string;
  schema_id: string;
  schema_url: string;
  state: IdentityState;
  state_changed_at?: string;
  traits: Traits;
  verifiable_addresses?: VerifiableAddress[];
  recovery_addresses?: RecoveryAddress[];
  metadata_public: JsonValue | null;
  metadata_admin?: JsonValue | null;
  credentials?: CredentialsMap;
  external_id?: string;
  organization_id: string | null;
  /**
   * Ory region named by the create, PUT or PATCH request this identity answers (Kratos echoes it; OSS Kratos and
   * idkit do not store it, so reads never carry it).
   */
  region?: string;
  created_at: string;
  updated_at: string;
}

/**
 * What the storage adapter persists: the identity with its full credentials, minus computed fields
 * (`schema_url`). Adapters receive and return this shape.
 */
export interface StoredIdentity {
  id: string;
  schema_id: string;
  state: IdentityState;
  state_changed_at: string;
  traits: JsonValue;
  verifiable_addresses: VerifiableAddress[];
  recovery_addresses: RecoveryAddress[];
  metadata_public: JsonValue | null;
  metadata_admin: JsonValue | null;
  credentials: CredentialsMap;
  external_id: string | null;
  organization_id: string | null;
  created_at: string;
  updated_at: string;
}

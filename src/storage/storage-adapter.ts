import type { CredentialsType, StoredIdentity } from "../identity/identity.js";
import type { ApiKeyStore } from "./api-key-store.js";

export type { ApiKeyInsert, ApiKeyStore, StoredApiKey } from "./api-key-store.js";

/**
 * A query for one page of identities, ordered by `id` ascending (keyset pagination).
 * Filters combine (AND), unlike Kratos where they are exclusive.
 */
export interface ListIdentitiesQuery {
  /** Only ids strictly greater than this one. */
  after?: string;
  /** How many identities at most (the manager asks for one more than a page to detect a next page). */
  limit: number;
  /** Only these ids. */
  ids?: readonly string[];
  /**
   * Only identities holding at least one of these exact `(credential type, identifier)` pairs. The manager has
   * already expanded the user's value into the spellings to match (raw, and normalised for password-like types).
   */
  credentialsIdentifiers?: ReadonlyArray<{ type: CredentialsType; identifier: string }>;
  /** Only identities of this organization. */
  organizationId?: string;
}

/** What a flow token is for. */
export type FlowTokenKind = "recovery_link" | "recovery_code" | "verification_link" | "verification_code";

/**
 * A recovery or verification token at rest. Only a keyed digest of the token or code is stored, never the
 * token itself.
 */
export interface StoredFlowToken {
  /** The flow id (a UUID); codes are submitted against it. */
  id: string;
  kind: FlowTokenKind;
  /** `hex(HMAC(secret, token))` under the signing secret. */
  digest: string;
  identity_id: string;
  /** The address a verification token is for. */
  address: { via: string; value: string } | null;
  issued_at: string;
  expires_at: string;
  /** Wrong codes submitted so far (codes only). */
  attempts: number;
}

/**
 * Result of checking a code for a flow ({@link StorageAdapter.checkFlowCode}). `ok` leaves the token in place:
 * it is consumed by {@link StorageAdapter.redeemFlowToken}, together with the change it grants.
 */
export type CodeSubmission =
  | { status: "ok"; token: StoredFlowToken }
  | { status: "mismatch" }
  | { status: "exhausted" }
  | { status: "not_found" };

/**
 * One atomic redemption ({@link StorageAdapter.redeemFlowToken}): delete the flow token `id` of kind `kind` and,
 * when `update` is given, replace the token's identity by compare-and-set, in one step.
 */
export interface FlowTokenRedemption {
  /** The token's flow id (`StoredFlowToken.id`). */
  id: string;
  kind: FlowTokenKind;
  /**
   * The identity change the token grants (verification: the address marked verified). Written only if the
   * stored identity's `updated_at` still equals `expectedUpdatedAt`, with the uniqueness keys enforced as in
   * `updateIdentity`.
   */
  update?: { identity: StoredIdentity; expectedUpdatedAt: string };
}

/**
 * What a redemption did: `ok` (token deleted, update applied); otherwise nothing changed: `token_gone` (no such
 * token: never issued, or already redeemed, possibly by a concurrent call), `stale` (the identity changed since
 * it was read), `identity_not_found` (the identity is gone).
 */
export type RedemptionOutcome = "ok" | "token_gone" | "stale" | "identity_not_found";

/** Outcome of one identity of a batch insert: `null` on success, or the error that made it fail. */
export type InsertOutcome = null | Error;

/**
 * The persistence port. Host apps implement it to bring their own database; `MemoryStorage` is the default.
 * The manager never calls an adapter directly: it goes through `RuntimeStorage`, which calls `init` once, copies
 * what the adapter returns, and wraps driver failures as `storage_error`.
 *
 * Uniqueness keys, which an adapter MUST enforce atomically (unique index or equivalent), never by
 * read-then-write: `(credential type, identifier)` for every identifier of every credential;
 * `(via, value)` among verifiable addresses; `(via, value)` among recovery addresses; `external_id` when set.
 * A violation MUST be reported as an `IdentityError` with code `identity_conflict` (see `ConflictError`).
 *
 * Errors: `identity_conflict` is the only `IdentityError` an adapter may raise; it reaches clients with its
 * `message` and `reason` (so these MUST NOT contain driver text: write your own words, put the driver's error on
 * `cause`) and without `details`. Anything else an adapter throws, returns as an insert outcome or rejects with
 * (driver errors, other `IdentityError` codes, non-Error values) becomes `storage_error` with a generic reason;
 * the original is kept on `cause` for the host's logs and never serialised by `toJSON()`.
 *
 * Recovery and verification tokens are redeemed all-or-nothing: the manager looks the token up
 * (`findFlowToken` / `checkFlowCode`, which do not consume it), reads the identity, then calls
 * `redeemFlowToken`, which consumes the token together with the identity change in one atomic step. A failure
 * anywhere before or inside that step leaves the token redeemable.
 *
 * API keys ({@link ApiKeyStore}: `insertApiKey`, `findApiKey`, `listApiKeys`, `revokeApiKey`, `touchApiKey`) are
 * optional: implement all of them or none (`docs/storage.md#api-keys`).
 */
export interface StorageAdapter extends Partial<ApiKeyStore> {
  /**
   * `true` when several processes may share this store (a database server): every rule above then holds across
   * processes, not only inside one. `MemoryStorage` is `false`. Optional, default `false`; informational (the
   * manager behaves the same; hosts and the conformance suite read it).
   */
  readonly supportsMultipleProcesses?: boolean;
  /** Called once before the first operation (create tables, connect). */
  init?(): Promise<void>;
  /** Releases resources. */
  close?(): Promise<void>;

  /**
   * Inserts identities. Each identity MUST be written atomically (identity, credentials, identifiers and
   * addresses together or nothing), independently of the others: one that conflicts (with stored data or with
   * an earlier identity of the same batch) fails alone. Returns one outcome per input, in order.
   */
  insertIdentities(identities: readonly StoredIdentity[]): Promise<InsertOutcome[]>;

  /** The identity with this id, or undefined. */
  getIdentity(id: string): Promise<StoredIdentity | undefined>;

  /** The identity holding `identifier` for credential `type` (exact match), or undefined. */
  findIdentityByCredentialIdentifier(
    type: CredentialsType,
    identifier: string,
  ): Promise<StoredIdentity | undefined>;

  /** The identity with this `external_id`, or undefined. */
  findIdentityByExternalId(externalId: string): Promise<StoredIdentity | undefined>;

  /** One page of identities ordered by id ascending. MUST cost O(limit), not O(all identities). */
  listIdentities(query: ListIdentitiesQuery): Promise<StoredIdentity[]>;

  /**
   * Replaces a stored identity atomically, enforcing the uniqueness keys against every other identity.
   * When `expectedUpdatedAt` is given, the write MUST happen only if the stored `updated_at` is still exactly
   * that string (compare-and-set, compared as text: no rounding, no time-zone conversion), else resolve
   * `"stale"`. Resolves `"not_found"` when the identity is gone.
   *
   * `updated_at` is the identity's version: the manager gives every write an `updated_at` strictly greater than
   * the one it replaces (the clock, or the previous value plus 1 ms when the clock has not moved), so two writes
   * in the same millisecond still carry different versions and a compare-and-set cannot be fooled by them.
   */
  updateIdentity(identity: StoredIdentity, expectedUpdatedAt?: string): Promise<"ok" | "stale" | "not_found">;

  /** Deletes an identity with everything it owns (its flow tokens too). Resolves false when it did not exist. */
  deleteIdentity(id: string): Promise<boolean>;

  /** Stores a flow token. */
  insertFlowToken(token: StoredFlowToken): Promise<void>;

  /**
   * The token of this kind whose digest is one of `digests` (links), or undefined. Read-only: it MUST NOT delete
   * or change the token (redemption is {@link redeemFlowToken}).
   */
  findFlowToken(kind: FlowTokenKind, digests: readonly string[]): Promise<StoredFlowToken | undefined>;

  /**
   * Checks a code for a flow, atomically: `not_found` when there is no such flow of this kind; `exhausted` when
   * `attempts >= maxAttempts` (the flow is dead, even for the right code); `ok` with the token when its digest is
   * one of `digests` (the token MUST stay stored and `attempts` unchanged: {@link redeemFlowToken} consumes it);
   * otherwise `attempts` is incremented and the result is `mismatch`. The increment MUST be atomic (an
   * `UPDATE ... SET attempts = attempts + 1 WHERE attempts < max`, or equivalent): concurrent wrong codes never
   * exceed `maxAttempts` in total.
   */
  checkFlowCode(
    flowId: string,
    kind: FlowTokenKind,
    digests: readonly string[],
    maxAttempts: number,
  ): Promise<CodeSubmission>;

  /**
   * Redeems a flow token all-or-nothing: deletes the token `id` of kind `kind` and applies `update` (if any) in
   * ONE atomic step (one SQL transaction), or does neither.
   *
   * - It MUST resolve `ok` only when the token existed and was deleted by this call, and the update (if any)
   *   was written. Of concurrent redemptions of one token, at most one MUST resolve `ok` (the others
   *   `token_gone`): e.g. `DELETE ... WHERE id = $1 AND kind = $2` and check the row count.
   * - When it resolves anything else, or throws, it MUST NOT have deleted the token nor written the identity
   *   (roll the transaction back). A `stale` CAS or a uniqueness violation (thrown as `identity_conflict`)
   *   therefore leaves the token redeemable.
   * - Without `update` it only deletes the token.
   */
  redeemFlowToken(redemption: FlowTokenRedemption): Promise<RedemptionOutcome>;
}

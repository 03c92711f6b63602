import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { cloneJson } from "../identity/clone.js";
import type { Credential, CredentialsType, StoredIdentity } from "../identity/identity.js";
import { isStoredIdentity } from "../storage/stored-shape.js";
import { isoAt, serial, unique } from "./fixtures.js";

/**
 * Identities holding many uniqueness keys: several identifiers per credential, every credential type a stored
 * identity may hold, several verifiable and recovery addresses on both channels. Every uniqueness key sits in a
 * {@link KeySlot}, so a case can take any one of them from another identity.
 */

/** Where one uniqueness key sits in an identity, and its value. */
export interface KeySlot {
  kind: "credential" | "verifiable" | "recovery";
  /** The credential type, or the address channel (`email` / `sms`). */
  scope: string;
  /** Position in the credential's identifiers, or in the address list. */
  index: number;
  value: string;
}

/** Every uniqueness key `identity` holds, except `external_id`: identifiers first, then addresses. */
export function keySlots(identity: StoredIdentity): KeySlot[] {
  const slots: KeySlot[] = [];
  for (const [type, credential] of Object.entries(identity.credentials)) {
    for (const [index, value] of (credential?.identifiers ?? []).entries())
      slots.push({ kind: "credential", scope: type, index, value });
  }
  for (const [index, a] of identity.verifiable_addresses.entries())
    slots.push({ kind: "verifiable", scope: a.via, index, value: a.value });
  for (const [index, a] of identity.recovery_addresses.entries())
    slots.push({ kind: "recovery", scope: a.via, index, value: a.value });
  return slots;
}

/** The credential identifiers of `identity`, as slots. */
export const identifierSlots = (identity: StoredIdentity): KeySlot[] =>
  keySlots(identity).filter((s) => s.kind === "credential");

/** The verifiable and recovery addresses of `identity`, as slots. */
export const addressSlots = (identity: StoredIdentity): KeySlot[] =>
  keySlots(identity).filter((s) => s.kind !== "credential");

/** A slot for assertion messages: `oidc identifier #1 "google:123"`, `recovery address #2 (sms) "+1…"`. */
export function slotName(slot: KeySlot): string {
  const where =
    slot.kind === "credential"
      ? `${slot.scope} identifier #${slot.index}`
      : `${slot.kind} address #${slot.index} (${slot.scope})`;
  return `${where} ${JSON.stringify(slot.value.length > 60 ? `${slot.value.slice(0, 60)}…` : slot.value)}`;
}

/** Whether `identity` holds the key of `slot` (same kind, scope and value, at any position). */
export function holds(identity: StoredIdentity, slot: KeySlot): boolean {
  return keySlots(identity).some(
    (s) => s.kind === slot.kind && s.scope === slot.scope && s.value === slot.value,
  );
}

/** A deep copy of `identity` whose key at `slot`'s position (same kind, scope and index) is `value`. */
export function withSlot(identity: StoredIdentity, slot: KeySlot, value: string): StoredIdentity {
  const copy = cloneJson(identity);
  if (slot.kind === "credential") {
    const credential = copy.credentials[slot.scope as CredentialsType];
    assert.ok(credential && slot.index < credential.identifiers.length, `no ${slotName(slot)} to replace`);
    credential.identifiers[slot.index] = value;
  } else {
    const list = slot.kind === "verifiable" ? copy.verifiable_addresses : copy.recovery_addresses;
    const address = list[slot.index];
    assert.ok(address && address.via === slot.scope, `no ${slotName(slot)} to replace`);
    address.value = value;
  }
  return copy;
}

/** A value for `slot`'s position that no identity holds. */
export const freshValue = (slot: KeySlot): string => unique(`fresh-${slot.scope}`);

/** A WebAuthn / passkey key as Kratos stores it (byte fields in base64). */
function webAuthnKey(n: number, at: string): Record<string, unknown> {
  const bytes = (label: string) => Buffer.from(`${label}-${n}-${randomUUID()}`).toString("base64");
  return {
    id: bytes("key"),
    public_key: bytes("pk"),
    attestation_type: "none",
    authenticator: { aaguid: null, sign_count: 3, clone_warning: false },
    display_name: `Key ${n}`,
    added_at: at,
    is_passwordless: true,
    flags: { user_present: true, user_verified: true, backup_eligible: false, backup_state: false },
    transport: ["usb", "nfc"],
  };
}

/**
 * A valid {@link StoredIdentity} holding 14 credential identifiers and 6 addresses, all fresh:
 * - `password`: an email, a username with a leading U+FEFF, a phone number;
 * - `oidc`: `google:<n>` and `github:<n>` (with matching providers), `saml`: `okta:<n>`;
 * - `webauthn`: one user handle; `passkey`: two user handles;
 * - `code`: two emails and a phone number (with matching config addresses);
 * - `totp` and `lookup_secret`: the identity id, as Kratos writes them;
 * - verifiable and recovery addresses: two emails and one sms number each.
 *
 * Traits and metadata are small JSON; `external_id` is fresh, `organization_id` null.
 */
export function makeKeyedIdentity(spec: { id?: string } = {}): StoredIdentity {
  const n = serial();
  const id = spec.id ?? randomUUID();
  const at = isoAt(n * 1000);
  const tag = `k${n}-${randomUUID().slice(0, 8)}`;
  const mail = (label: string) => `${tag}.${label}@example.org`;
  const phone = (k: number) => `+1555${String(n * 10 + k).padStart(7, "0")}`;
  const handle = (k: number) => `${randomUUID()}-${k}`;
  const credential = (type: CredentialsType, identifiers: string[], config: object, version = 0) =>
    ({ type, identifiers, config, version, created_at: at, updated_at: at }) as Credential;
  const [webauthnHandle, passkeyOld, passkeyNew] = [handle(1), handle(2), handle(3)];
  const base64 = (s: string) => Buffer.from(s).toString("base64");
  const address = (value: string, via: "email" | "sms") => ({
    id: randomUUID(),
    value,
    via,
    created_at: at,
    updated_at: at,
  });
  const identity: StoredIdentity = {
    id,
    schema_id: "default",
    state: "active",
    state_changed_at: at,
    traits: { email: mail("pw"), username: `\uFEFF${tag}-user`, phone: phone(1) },
    verifiable_addresses: [
      { ...address(mail("v1"), "email"), verified: true, status: "completed", verified_at: at },
      { ...address(mail("v2"), "email"), verified: false, status: "pending" },
      { ...address(phone(3), "sms"), verified: false, status: "sent" },
    ],
    recovery_addresses: [
      address(mail("r1"), "email"),
      address(mail("r2"), "email"),
      address(phone(4), "sms"),
    ],
    metadata_public: { plan: "team" },
    metadata_admin: null,
    credentials: {
      password: credential("password", [mail("pw"), `\uFEFF${tag}-user`, phone(1)], {
        hashed_password: `$2a$04$${"y".repeat(53)}`,
      }),
      oidc: credential("oidc", [`google:${100000 + n}`, `github:${200000 + n}`], {
        providers: [
          { provider: "google", subject: String(100000 + n), initial_id_token: "" },
          { provider: "github", subject: String(200000 + n), initial_id_token: "" },
        ],
      }),
      saml: credential("saml", [`okta:${tag}`], { providers: [{ provider: "okta", subject: tag }] }),
      webauthn: credential(
        "webauthn",
        [webauthnHandle],
        { credentials: [webAuthnKey(n, at)], user_handle: base64(webauthnHandle) },
        1,
      ),
      passkey: credential("passkey", [passkeyOld, passkeyNew], {
        credentials: [webAuthnKey(n, at), webAuthnKey(n, at)],
        user_handle: base64(passkeyNew),
      }),
      code: credential(
        "code",
        [mail("c1"), mail("c2"), phone(2)],
        {
          addresses: [
            { channel: "email", address: mail("c1") },
            { channel: "email", address: mail("c2") },
            { channel: "sms", address: phone(2) },
          ],
        },
        1,
      ),
      totp: credential("totp", [id], { totp_url: `otpauth://totp/idkit:${tag}?secret=JBSWY3DPEHPK3PXP` }, 1),
      lookup_secret: credential(
        "lookup_secret",
        [id],
        { recovery_codes: [{ code: "k3j2h1g0", used_at: null }] },
        1,
      ),
    },
    external_id: unique("ext"),
    organization_id: null,
    created_at: at,
    updated_at: at,
  };
  assert.ok(isStoredIdentity(identity), "the suite's generator made an invalid identity");
  return identity;
}

/**
 * Another version of `identity` (same id and `created_at`, `updated_at` 1 ms later), holding the keys of `keys`
 * (default: fresh ones) and `identity`'s traits and metadata.
 */
export function reviseKeyed(identity: StoredIdentity, keys = makeKeyedIdentity({ id: identity.id })) {
  const next = cloneJson(keys);
  next.id = identity.id;
  next.created_at = identity.created_at;
  next.updated_at = new Date(Date.parse(identity.updated_at) + 1).toISOString();
  next.traits = cloneJson(identity.traits);
  next.metadata_public = cloneJson(identity.metadata_public);
  next.metadata_admin = { revised_from: identity.updated_at };
  return next;
}

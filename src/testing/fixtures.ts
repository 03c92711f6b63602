import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { isIdentityError } from "../errors/index.js";
import type { StoredIdentity } from "../identity/identity.js";
import type { FlowTokenKind, StorageAdapter, StoredFlowToken } from "../storage/storage-adapter.js";
import { isStoredIdentity } from "../storage/stored-shape.js";

/**
 * Test data of the conformance suite: valid stored identities and flow tokens whose uniqueness keys are chosen
 * one by one, and the assertions every case shares.
 */

/** The four uniqueness keys of the storage contract, by the name the cases use. */
export type UniqueKey = "identifier" | "verifiable" | "recovery" | "external_id";
export const UNIQUE_KEYS: readonly UniqueKey[] = ["identifier", "verifiable", "recovery", "external_id"];

/** What {@link makeIdentity} varies; every key not given is fresh (taken by no other identity). */
export interface IdentitySpec {
  id?: string;
  /** The password credential's identifier. */
  identifier?: string;
  /** The verifiable address (email). */
  verifiable?: string;
  /** The recovery address (email). */
  recovery?: string;
  /** `null` for none. */
  externalId?: string | null;
  organizationId?: string | null;
  updatedAt?: string;
}

let counter = 0;
const BASE_MS = Date.UTC(2024, 0, 15, 12, 0, 0);

/** A number no earlier call returned (in this process), for values that must be unique. */
export function serial(): number {
  return ++counter;
}

/** A fresh unique string for emails and external ids. */
export function unique(prefix: string): string {
  return `${prefix}-${serial()}-${randomUUID().slice(0, 8)}`;
}

/** A fresh lower-case email. */
export const email = (): string => `${unique("user")}@example.org`;

/** An ISO timestamp (`toISOString()` form, millisecond precision) `offsetMs` after a fixed base. */
export const isoAt = (offsetMs: number): string => new Date(BASE_MS + offsetMs).toISOString();

/** The uniqueness keys of a spec with every key given, all fresh. */
export function freshKeys(): Required<Pick<IdentitySpec, "identifier" | "verifiable" | "recovery">> & {
  externalId: string;
} {
  return { identifier: email(), verifiable: email(), recovery: email(), externalId: unique("ext") };
}

/**
 * A valid {@link StoredIdentity} (it passes `isStoredIdentity`): a lower-case UUID v4 id, ISO timestamps, a
 * password credential holding `identifier`, one verifiable and one recovery address, traits and metadata with
 * nested JSON, `external_id` and `organization_id`. Keys not given in `spec` are fresh; by default the addresses
 * repeat the identifier, as for a user who signed up with one email.
 */
export function makeIdentity(spec: IdentitySpec = {}): StoredIdentity {
  const n = ++counter;
  const at = isoAt(n * 1000);
  const identifier = spec.identifier ?? email();
  const verifiable = spec.verifiable ?? identifier;
  const recovery = spec.recovery ?? identifier;
  const identity: StoredIdentity = {
    id: spec.id ?? randomUUID(),
    schema_id: "default",
    state: "active",
    state_changed_at: at,
    traits: { email: identifier, name: { first: "Ada", last: `Lovelace ${n}` }, tags: ["a", "ü", "😀"] },
    verifiable_addresses: [
      {
        id: randomUUID(),
        value: verifiable,
        verified: false,
        via: "email",
        status: "pending",
        created_at: at,
        updated_at: at,
      },
    ],
    recovery_addresses: [{ id: randomUUID(), value: recovery, via: "email", created_at: at, updated_at: at }],
    metadata_public: { plan: "free", seats: 3, nested: { list: [1, 2.5, true, null, "x"] } },
    metadata_admin: null,
    credentials: {
      password: {
        type: "password",
        identifiers: [identifier],
        config: { hashed_password: `$2a$04$${"x".repeat(53)}` },
        version: 0,
        created_at: at,
        updated_at: at,
      },
    },
    external_id: spec.externalId === undefined ? unique("ext") : spec.externalId,
    organization_id: spec.organizationId ?? null,
    created_at: at,
    updated_at: spec.updatedAt ?? at,
  };
  assert.ok(isStoredIdentity(identity), "the suite's generator made an invalid identity");
  return identity;
}

/**
 * A copy of `identity` with new uniqueness keys (given ones, fresh for the rest), a metadata change and
 * `updated_at` moved to `updatedAt` (default: 1 ms after the current one), as the manager writes an update.
 */
export function revise(identity: StoredIdentity, spec: Omit<IdentitySpec, "id"> = {}): StoredIdentity {
  const next = makeIdentity({
    ...freshKeys(),
    ...spec,
    id: identity.id,
    organizationId: spec.organizationId === undefined ? identity.organization_id : spec.organizationId,
  });
  next.created_at = identity.created_at;
  next.updated_at = spec.updatedAt ?? new Date(Date.parse(identity.updated_at) + 1).toISOString();
  next.metadata_admin = { revised_from: identity.updated_at };
  return next;
}

/** A spec whose key `key` is `value` and every other key fresh. */
export function specWith(key: UniqueKey, value: string): IdentitySpec {
  const spec: IdentitySpec = freshKeys();
  if (key === "identifier") spec.identifier = value;
  else if (key === "verifiable") spec.verifiable = value;
  else if (key === "recovery") spec.recovery = value;
  else spec.externalId = value;
  return spec;
}

/** The value `identity` holds for uniqueness key `key`. */
export function keyOf(identity: StoredIdentity, key: UniqueKey): string {
  const value =
    key === "identifier"
      ? identity.credentials.password?.identifiers[0]
      : key === "verifiable"
        ? identity.verifiable_addresses[0]?.value
        : key === "recovery"
          ? identity.recovery_addresses[0]?.value
          : identity.external_id;
  assert.ok(typeof value === "string", `the identity holds no ${key}`);
  return value;
}

/** A flow token of `identity`, with a fresh flow id and digest. */
export function makeToken(
  identityId: string,
  kind: FlowTokenKind = "recovery_code",
  attempts = 0,
): StoredFlowToken {
  return {
    id: randomUUID(),
    kind,
    digest: unique("digest").padEnd(64, "0"),
    identity_id: identityId,
    address: kind.startsWith("verification") ? { via: "email", value: email() } : null,
    issued_at: isoAt(0),
    expires_at: isoAt(3_600_000),
    attempts,
  };
}

/** Asserts that `value` is an `IdentityError` with code `identity_conflict`. */
export function assertConflict(value: unknown, what: string): void {
  assert.ok(
    isIdentityError(value, "identity_conflict"),
    `${what}: expected an IdentityError identity_conflict, got ${describeValue(value)}`,
  );
}

/** Asserts that `promise` rejects with `identity_conflict`. */
export async function assertRejectsConflict(promise: Promise<unknown>, what: string): Promise<void> {
  await assert.rejects(
    promise,
    (e: unknown) => {
      assertConflict(e, what);
      return true;
    },
    `${what}: expected a rejection with identity_conflict, but it resolved`,
  );
}

/** Inserts identities that must all succeed. */
export async function insertAll(
  adapter: StorageAdapter,
  identities: readonly StoredIdentity[],
): Promise<void> {
  const outcomes = await adapter.insertIdentities(identities);
  assert.equal(outcomes.length, identities.length, "insertIdentities: one outcome per identity");
  outcomes.forEach((o, i) => {
    assert.equal(o, null, `insertIdentities: identity ${i} should have been inserted (${describeValue(o)})`);
  });
}

/** The stored identity `id` (asserting its shape), or undefined. */
export async function read(adapter: StorageAdapter, id: string): Promise<StoredIdentity | undefined> {
  const found = await adapter.getIdentity(id);
  if (found === undefined) return undefined;
  assert.ok(isStoredIdentity(found), "getIdentity returned a malformed identity");
  return found;
}

/** Asserts the stored identity `expected.id` deep-equals `expected`. */
export async function assertStored(adapter: StorageAdapter, expected: StoredIdentity, what: string) {
  assert.deepStrictEqual(await read(adapter, expected.id), expected, what);
}

/** Asserts that a fresh identity can take every key in `spec`, i.e. none of them is occupied. */
export async function assertKeysFree(adapter: StorageAdapter, spec: IdentitySpec, what: string) {
  const probe = makeIdentity({ ...spec, id: randomUUID() });
  const [outcome] = await adapter.insertIdentities([probe]);
  assert.equal(outcome, null, `${what}: the keys should be free (${describeValue(outcome)})`);
}

/** Runs `fn` for `0..n-1` all at once and returns the results in order (settled). */
export function concurrently<T>(
  n: number,
  fn: (i: number) => Promise<T>,
): Promise<PromiseSettledResult<T>[]> {
  return Promise.allSettled(Array.from({ length: n }, (_, i) => fn(i)));
}

/** Counts `values` by the key `by` gives. */
export function tally<T>(values: readonly T[], by: (v: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) {
    const k = by(v);
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

/** A short description of any value for assertion messages. */
export function describeValue(value: unknown): string {
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return `${value.name}${typeof code === "string" ? ` ${code}` : ""}: ${value.message}`;
  }
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

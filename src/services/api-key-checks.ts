import { IdentityError, NotFoundError, ValidationError } from "../errors/index.js";
import { cloneJson } from "../identity/clone.js";
import type { StoredApiKey } from "../storage/api-key-store.js";
import { API_KEY_LIMITS } from "./api-key-args.js";
import type { ApiKey } from "./api-key-types.js";

/** Compared against when the key id is unknown, so that an unknown key costs what a wrong one does. */
const DUMMY_DIGEST = "0".repeat(64);

/** The record without the digest: a fresh copy (nothing shared with `key`). */
export function shown(key: Readonly<StoredApiKey>): ApiKey {
  return {
    id: key.id,
    identity_id: key.identity_id,
    name: key.name,
    scopes: [...key.scopes],
    metadata: cloneJson(key.metadata),
    created_at: key.created_at,
    expires_at: key.expires_at,
    last_used_at: key.last_used_at,
    revoked_at: key.revoked_at,
  };
}

/** The most timestamps {@link timeOf} remembers (it forgets them all past this). */
const TIMES_LIMIT = 1024;
const times = new Map<string, number>();

/** `Date.parse(text)`, remembered: a hot key's `expires_at` and `last_used_at` are parsed once, not per use. */
export function timeOf(text: string): number {
  let ms = times.get(text);
  if (ms === undefined) {
    ms = Date.parse(text);
    if (times.size >= TIMES_LIMIT) times.clear();
    times.set(text, ms);
  }
  return ms;
}

export const isExpired = (key: Readonly<StoredApiKey>, nowMs: number) =>
  key.expires_at !== null && !(timeOf(key.expires_at) > nowMs);
export const isLive = (key: Readonly<StoredApiKey>, nowMs: number) =>
  key.revoked_at === null && !isExpired(key, nowMs);
export const keyNotFound = () => new NotFoundError("api_key_not_found");

/**
 * Whether two strings of equal length are equal, in time independent of where they differ (every character is
 * compared, the differences OR-ed together; no early exit). For the 64-character hex digests.
 */
function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * Whether one of `candidates` (the presented secret's digests under every entry of `secrets`) equals `stored`, in
 * constant time: every candidate is compared, against a dummy digest when the key is unknown.
 */
export function digestMatches(candidates: readonly string[], stored: string | undefined): boolean {
  const known = typeof stored === "string" && stored.length === 64;
  const target = known ? stored : DUMMY_DIGEST;
  let match = false;
  for (const candidate of candidates) if (constantTimeEqual(candidate, target)) match = true;
  return match && known;
}

/**
 * The authentications of this manager that have not resolved yet, by key id, and the revocations made while they
 * ran (closure-free on the hot path: `enter` / `finish` around each). A revocation never waits for them: it marks
 * the key, and every authentication of it that started before the mark rejects instead of resolving (whatever
 * stage it is in: reading, its `afterApiKeyAuthentication` hook, anything). Authentications that start after the
 * mark read the store after the revocation was written, so they see it.
 */
export class InFlight {
  #seq = 0;
  /** Unresolved authentications per key id. */
  readonly #open = new Map<string, number>();
  /** Key id → the last ticket issued when it was revoked (kept while authentications of it are open). */
  readonly #revokedUpTo = new Map<string, number>();

  /** Marks one authentication of `id` as started; returns its ticket for {@link revokedSince} and {@link finish}. */
  enter(id: string): number {
    this.#open.set(id, (this.#open.get(id) ?? 0) + 1);
    return ++this.#seq;
  }

  /** Whether this manager revoked `id` after the authentication `ticket` started. */
  revokedSince(id: string, ticket: number): boolean {
    if (this.#revokedUpTo.size === 0) return false;
    const upTo = this.#revokedUpTo.get(id);
    return upTo !== undefined && ticket <= upTo;
  }

  /** Marks it resolved (call exactly once per {@link enter}, in a `finally`). */
  finish(id: string): void {
    const open = (this.#open.get(id) ?? 1) - 1;
    if (open > 0) {
      this.#open.set(id, open);
      return;
    }
    this.#open.delete(id);
    if (this.#revokedUpTo.size !== 0) this.#revokedUpTo.delete(id);
  }

  /** Records that `id` was revoked (after the revocation was written): the open authentications of it will reject. */
  revoked(id: string): void {
    if (this.#open.has(id)) this.#revokedUpTo.set(id, this.#seq);
  }
}

/** The error for rotating a revoked or expired key. */
export function inactive(): ValidationError {
  return new ValidationError([
    { pointer: "", code: "api_key_inactive", message: "A revoked or expired API key cannot be rotated." },
  ]);
}

/**
 * The error for issuing an API key on a manager without `secrets`: its per-process random key would make a key
 * (often meant to last for years) that no other process and no restart can verify.
 */
export function noSecrets(): IdentityError {
  return new IdentityError("invalid_configuration", {
    reason:
      "API keys must be signed with a key that outlives the process: pass `secrets: [<at least 16 random " +
      "characters>]`, the same in every process (docs/machine-identities.md#the-key-format).",
  });
}

/**
 * The error for rotating a key that was rotated before (a key is rotated once: a retried rotation must not leave
 * two live successors). `context.replaced_by` names the successor.
 */
export function alreadyRotated(successor: string): ValidationError {
  return new ValidationError([
    {
      pointer: "",
      code: "api_key_already_rotated",
      message: "This API key was already rotated; rotate or revoke its successor instead.",
      context: { replaced_by: successor },
    },
  ]);
}

/**
 * The keys to delete so that one more fits under {@link API_KEY_LIMITS.keysPerIdentity}: the oldest revoked or
 * expired ones. @throws ValidationError `too_many` when every stored key is live.
 */
export function pruned(keys: readonly StoredApiKey[], nowMs: number): string[] {
  const excess = keys.length - API_KEY_LIMITS.keysPerIdentity + 1;
  if (excess <= 0) return [];
  const dead = keys.filter((k) => !isLive(k, nowMs)).slice(0, excess);
  if (dead.length < excess) {
    throw new ValidationError([
      {
        pointer: "",
        code: "too_many",
        message: `An identity holds at most ${API_KEY_LIMITS.keysPerIdentity} live API keys; revoke one first.`,
        context: { limit: "keysPerIdentity", maximum: API_KEY_LIMITS.keysPerIdentity },
      },
    ]);
  }
  return dead.map((k) => k.id);
}

import { NotFoundError, ValidationError } from "../errors/index.js";
import type { StoredApiKey } from "../storage/api-key-store.js";
import { API_KEY_LIMITS } from "./api-key-args.js";
import type { ApiKey } from "./api-key-types.js";

/** Compared against when the key id is unknown, so that an unknown key costs what a wrong one does. */
const DUMMY_DIGEST = "0".repeat(64);

/** The record without the digest. */
export function shown(key: StoredApiKey): ApiKey {
  return {
    id: key.id,
    identity_id: key.identity_id,
    name: key.name,
    scopes: [...key.scopes],
    metadata: key.metadata,
    created_at: key.created_at,
    expires_at: key.expires_at,
    last_used_at: key.last_used_at,
    revoked_at: key.revoked_at,
  };
}

export const isExpired = (key: StoredApiKey, nowMs: number) =>
  key.expires_at !== null && !(Date.parse(key.expires_at) > nowMs);
export const isLive = (key: StoredApiKey, nowMs: number) => key.revoked_at === null && !isExpired(key, nowMs);
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
 * The authentications in flight, by key id (closure-free on the hot path: `enter` / `leave` around each), so that a
 * revocation can wait for the ones that may have read the key before it was revoked — and only for those.
 */
export class InFlight {
  #seq = 0;
  readonly #running = new Map<string, Set<number>>();
  readonly #waiters = new Map<string, Array<{ upTo: number; resolve: () => void }>>();

  /** Marks one authentication of `id` as started; returns its ticket for {@link leave}. */
  enter(id: string): number {
    const ticket = ++this.#seq;
    const running = this.#running.get(id);
    if (running === undefined) this.#running.set(id, new Set<number>().add(ticket));
    else running.add(ticket);
    return ticket;
  }

  /** Marks it settled, and wakes the revocations waiting for no older one to remain. */
  leave(id: string, ticket: number): void {
    const running = this.#running.get(id);
    running?.delete(ticket);
    if (running?.size === 0) this.#running.delete(id);
    const waiters = this.#waiters.get(id);
    if (waiters === undefined) return;
    const oldest = running && running.size > 0 ? Math.min(...running) : Number.POSITIVE_INFINITY;
    const still = waiters.filter((w) => {
      if (w.upTo >= oldest) return true;
      w.resolve();
      return false;
    });
    if (still.length === 0) this.#waiters.delete(id);
    else this.#waiters.set(id, still);
  }

  /**
   * Resolves once every authentication of `id` started before this call has settled, or after `maxWaitMs` (a hook
   * or a store that hangs must not hang the revocation too: those late ones are then no longer waited for).
   */
  settled(id: string, maxWaitMs = 2000): Promise<void> {
    const running = this.#running.get(id);
    if (running === undefined || running.size === 0) return Promise.resolve();
    const upTo = this.#seq;
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, maxWaitMs);
      timer.unref?.();
      const waiters = this.#waiters.get(id) ?? [];
      waiters.push({
        upTo,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
      this.#waiters.set(id, waiters);
    });
  }
}

/** The error for rotating a revoked or expired key. */
export function inactive(): ValidationError {
  return new ValidationError([
    { pointer: "", code: "api_key_inactive", message: "A revoked or expired API key cannot be rotated." },
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

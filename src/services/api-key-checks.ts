import { timingSafeEqual } from "node:crypto";
import { NotFoundError, ValidationError } from "../errors/index.js";
import type { StoredApiKey } from "../storage/api-key-store.js";
import { API_KEY_LIMITS } from "./api-key-args.js";
import type { ApiKey } from "./api-key-types.js";

/** Compared against when the key id is unknown, so that an unknown key costs what a wrong one does. */
const DUMMY_DIGEST = Buffer.from("0".repeat(64), "latin1");

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
 * Whether one of `candidates` (the presented secret's digests under every entry of `secrets`) equals `stored`, in
 * constant time: every candidate is compared, against a dummy digest when the key is unknown.
 */
export function digestMatches(candidates: readonly string[], stored: string | undefined): boolean {
  const target = stored?.length === 64 ? Buffer.from(stored, "latin1") : DUMMY_DIGEST;
  let match = false;
  for (const candidate of candidates) {
    const presented = Buffer.from(candidate, "latin1");
    if (presented.length === target.length && timingSafeEqual(presented, target)) match = true;
  }
  return match && target !== DUMMY_DIGEST;
}

/**
 * Promises in flight by key (the authentications of each key id), so that a revocation can wait for the ones that
 * read the key before it was revoked.
 */
export class InFlight {
  readonly #running = new Map<string, Set<Promise<unknown>>>();

  /** Tracks `run` under `id` until it settles; returns `run`. */
  track<T>(id: string, run: Promise<T>): Promise<T> {
    let running = this.#running.get(id);
    if (running === undefined) {
      running = new Set();
      this.#running.set(id, running);
    }
    const set = running;
    set.add(run);
    const done = () => {
      set.delete(run);
      if (set.size === 0 && this.#running.get(id) === set) this.#running.delete(id);
    };
    run.then(done, done);
    return run;
  }

  /** Resolves once everything tracked under `id` now has settled. */
  async settled(id: string): Promise<void> {
    const running = this.#running.get(id);
    if (running) await Promise.allSettled([...running]);
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

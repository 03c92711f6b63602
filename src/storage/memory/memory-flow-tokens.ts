import { cloneJson } from "../../identity/clone.js";
import type { StoredIdentity } from "../../identity/identity.js";
import type {
  CodeSubmission,
  FlowTokenKind,
  FlowTokenRedemption,
  RedemptionOutcome,
  StoredFlowToken,
} from "../storage-adapter.js";

/** The synchronous compare-and-set of MemoryStorage's identities (uniqueness keys enforced). */
type Replace = (
  identity: StoredIdentity,
  expectedUpdatedAt: string | undefined,
) => "ok" | "stale" | "not_found";

/**
 * MemoryStorage's recovery and verification tokens (storage contract: looked up by digest, consumed together with
 * the identity change in one step). Every method runs to completion without yielding.
 */
export class MemoryFlowTokens {
  /** Flow tokens by id, and the id of each by `kind + digest`. */
  readonly #tokens = new Map<string, StoredFlowToken>();
  readonly #byDigest = new Map<string, string>();
  /** Token ids per identity, so deleting an identity costs its own tokens, not all of them. */
  readonly #byIdentity = new Map<string, Set<string>>();

  constructor(readonly replace: Replace) {}

  insert(token: StoredFlowToken): void {
    const key = `${token.kind}\0${token.digest}`;
    if (this.#tokens.has(token.id) || this.#byDigest.has(key)) throw new Error("flow token already exists");
    this.#tokens.set(token.id, cloneJson(token));
    this.#byDigest.set(key, token.id);
    const owned = this.#byIdentity.get(token.identity_id) ?? new Set<string>();
    owned.add(token.id);
    this.#byIdentity.set(token.identity_id, owned);
  }

  find(kind: FlowTokenKind, digests: readonly string[]): StoredFlowToken | undefined {
    for (const digest of digests) {
      const id = this.#byDigest.get(`${kind}\0${digest}`);
      const token = id === undefined ? undefined : this.#tokens.get(id);
      if (token) return cloneJson(token);
    }
    return undefined;
  }

  checkCode(
    flowId: string,
    kind: FlowTokenKind,
    digests: readonly string[],
    maxAttempts: number,
  ): CodeSubmission {
    const token = this.#tokens.get(flowId);
    if (!token || token.kind !== kind) return { status: "not_found" };
    if (token.attempts >= maxAttempts) return { status: "exhausted" };
    if (digests.includes(token.digest)) return { status: "ok", token: cloneJson(token) };
    token.attempts++;
    return { status: "mismatch" };
  }

  /** The token check, the identity write and the delete as one step. */
  redeem({ id, kind, update }: FlowTokenRedemption): RedemptionOutcome {
    const token = this.#tokens.get(id);
    if (!token || token.kind !== kind) return "token_gone";
    if (update) {
      const written = this.replace(update.identity, update.expectedUpdatedAt);
      if (written !== "ok") return written === "stale" ? "stale" : "identity_not_found";
    }
    this.#drop(token);
    return "ok";
  }

  /** Every stored flow token, as stored (for tests that inspect what is at rest). */
  dump(): StoredFlowToken[] {
    return [...this.#tokens.values()].map((t) => cloneJson(t));
  }

  /** Drops the tokens of a deleted identity. */
  dropIdentity(identityId: string): void {
    for (const tokenId of [...(this.#byIdentity.get(identityId) ?? [])]) {
      const token = this.#tokens.get(tokenId);
      if (token) this.#drop(token);
    }
  }

  #drop(token: StoredFlowToken): void {
    this.#tokens.delete(token.id);
    this.#byDigest.delete(`${token.kind}\0${token.digest}`);
    const owned = this.#byIdentity.get(token.identity_id);
    owned?.delete(token.id);
    if (owned?.size === 0) this.#byIdentity.delete(token.identity_id);
  }
}

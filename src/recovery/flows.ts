import { IdentityError, NotFoundError, ValidationError } from "../errors/index.js";
import type { StoredIdentity, VerifiableAddress } from "../identity/identity.js";
import type { RuntimeStorage } from "../storage/runtime-storage.js";
import type { FlowTokenKind, StoredFlowToken } from "../storage/storage-adapter.js";
import { formatGoDuration, parseGoDurationNs } from "./duration.js";
import { randomCode, randomToken, type TokenDigester } from "./token-secrets.js";

/** Builds the URLs handed out with tokens. */
export interface LinkBuilders {
  /** @default `${publicUrl}/self-service/recovery?flow=<flow id>&token=<token>` (Kratos's) */
  recoveryLink?: (input: { flowId: string; token: string }) => string;
  /** @default `${publicUrl}/self-service/recovery?flow=<flow id>` (the user types the code in) */
  recoveryCode?: (input: { flowId: string }) => string;
  /** @default `${publicUrl}/self-service/verification?flow=<flow id>&token=<token>` */
  verificationLink?: (input: { flowId: string; token: string }) => string;
  /** @default `${publicUrl}/self-service/verification?flow=<flow id>` */
  verificationCode?: (input: { flowId: string }) => string;
}

/** Wrong codes a flow tolerates before it dies (Kratos `max_submissions`). */
export const MAX_CODE_ATTEMPTS = 5;
/** Default lifespan of links and codes (Kratos: 1h). */
export const DEFAULT_LIFESPAN = "1h";

export interface FlowDeps {
  storage: RuntimeStorage;
  digester: TokenDigester;
  newId: () => string;
  now: () => Date;
}

/** The shortest lifespan issued: anything shorter would expire at the instant it is issued (ms precision). */
const MIN_LIFESPAN_NS = 1_000_000n;

/**
 * Parses `expires_in` (Go duration syntax, as Go's `time.ParseDuration`: integer nanoseconds) into an absolute
 * expiry, with Kratos's messages (`selfservice/strategy/link/strategy_recovery.go`,
 * `selfservice/strategy/code/strategy_recovery_admin.go`). Absent or `""` means {@link DEFAULT_LIFESPAN}, as in
 * Kratos. A lifespan under 1 ms after Go's truncation to whole nanoseconds (`0`, `-1h`, `0.0000001ns`, `999us`)
 * is refused like a non-positive one: it would be an already-expired token.
 * @throws ValidationError at `/expires_in` (`invalid_duration` | `not_future`)
 */
export function expiryFrom(expiresIn: string | undefined, now: Date, kind: "link" | "code" = "link"): Date {
  const raw = expiresIn === undefined || expiresIn === "" ? DEFAULT_LIFESPAN : expiresIn;
  const ns = parseGoDurationNs(raw);
  if (ns === undefined) {
    throw new ValidationError([
      {
        pointer: "/expires_in",
        code: "invalid_duration",
        message: `Unable to parse "expires_in" as a duration string (e.g. "1h", "1m30s", "500ms"): ${raw}`,
      },
    ]);
  }
  if (ns < MIN_LIFESPAN_NS) {
    throw new ValidationError([
      {
        pointer: "/expires_in",
        code: "not_future",
        // Kratos's wording, typo included: the link endpoint echoes the input, the code endpoint the duration.
        message:
          kind === "link"
            ? `Value from "expires_in" must be result to a future time: ${raw}`
            : `Value from "expires_in" must result to a future time: ${formatGoDuration(ns)}`,
      },
    ]);
  }
  return new Date(now.getTime() + Number(ns / MIN_LIFESPAN_NS));
}

/** Issues a link token: a random 32-character token, stored only as its digest. */
export async function issueLinkToken<T>(
  deps: FlowDeps,
  kind: FlowTokenKind,
  identityId: string,
  address: StoredFlowToken["address"],
  expiresAt: Date,
  present: (issued: { flowId: string; token: string }) => T,
): Promise<T> {
  const token = randomToken();
  const flowId = deps.newId();
  // The answer (host link builders included) is made before anything is stored: if it fails, nothing was written.
  const answer = present({ flowId, token });
  await deps.storage.insertFlowToken(
    record(deps, kind, flowId, deps.digester.sign(token), identityId, address, expiresAt),
  );
  return answer;
}

/** Issues a 6-digit code bound to a new flow, stored only as its digest. */
export async function issueCode<T>(
  deps: FlowDeps,
  kind: FlowTokenKind,
  identityId: string,
  address: StoredFlowToken["address"],
  expiresAt: Date,
  present: (issued: { flowId: string; code: string }) => T,
): Promise<T> {
  const code = randomCode();
  const flowId = deps.newId();
  const answer = present({ flowId, code }); // made first, as for links
  // The digest covers the flow id too, so equal codes of different flows never share a digest.
  await deps.storage.insertFlowToken(
    record(deps, kind, flowId, deps.digester.sign(`${flowId}:${code}`), identityId, address, expiresAt),
  );
  return answer;
}

function record(
  deps: FlowDeps,
  kind: FlowTokenKind,
  id: string,
  digest: string,
  identityId: string,
  address: StoredFlowToken["address"],
  expiresAt: Date,
): StoredFlowToken {
  return {
    id,
    kind,
    digest,
    identity_id: identityId,
    address,
    issued_at: deps.now().toISOString(),
    expires_at: expiresAt.toISOString(),
    attempts: 0,
  };
}

function checkExpiry(token: StoredFlowToken, now: Date): StoredFlowToken {
  if (Date.parse(token.expires_at) <= now.getTime()) throw new IdentityError("token_expired");
  return token;
}

/**
 * Looks a link token up, without consuming it (redemption is all-or-nothing: {@link consumeToken} consumes it
 * together with the change it grants).
 * @throws IdentityError `token_invalid` (unknown or used) | `token_expired` | `storage_error`
 */
export async function findLinkToken(
  deps: FlowDeps,
  kind: FlowTokenKind,
  token: unknown,
): Promise<StoredFlowToken> {
  if (typeof token !== "string" || !/^[A-Za-z0-9]{1,128}$/.test(token))
    throw new IdentityError("token_invalid");
  const found = await deps.storage.findFlowToken(kind, deps.digester.candidates(token));
  if (!found) throw new IdentityError("token_invalid");
  return checkExpiry(found, deps.now());
}

/**
 * Checks a code for a flow, without consuming it: at most {@link MAX_CODE_ATTEMPTS} wrong codes (counted
 * atomically by the adapter), then the flow is dead.
 * @throws IdentityError `token_invalid` | `token_expired` | `too_many_attempts` | `storage_error`
 */
export async function checkCode(
  deps: FlowDeps,
  kind: FlowTokenKind,
  flowId: unknown,
  code: unknown,
): Promise<StoredFlowToken> {
  if (typeof flowId !== "string" || typeof code !== "string") throw new IdentityError("token_invalid");
  const digests = deps.digester.candidates(`${flowId}:${code.trim()}`);
  const result = await deps.storage.checkFlowCode(flowId, kind, digests, MAX_CODE_ATTEMPTS);
  switch (result.status) {
    case "ok":
      return checkExpiry(result.token, deps.now());
    case "exhausted":
      throw new IdentityError("too_many_attempts");
    default:
      throw new IdentityError("token_invalid");
  }
}

/**
 * Consumes a token found by {@link findLinkToken} or {@link checkCode}, and writes `update` (compare-and-set on
 * the identity's `updated_at`) in the same atomic step of the adapter. Resolves the CAS outcome; on anything but
 * `ok` nothing changed and the token is still redeemable.
 * @throws IdentityError `token_invalid` when the token is gone (a concurrent redemption won) | `storage_error`
 */
export async function consumeToken(
  deps: FlowDeps,
  token: StoredFlowToken,
  update?: { identity: StoredIdentity; expectedUpdatedAt: string },
): Promise<"ok" | "stale" | "not_found"> {
  const outcome = await deps.storage.redeemFlowToken({
    id: token.id,
    kind: token.kind,
    ...(update === undefined ? {} : { update }),
  });
  if (outcome === "token_gone") throw new IdentityError("token_invalid");
  if (outcome === "identity_not_found") return "not_found";
  return outcome;
}

/** Finds the verifiable address a verification call means: by id or value, or the only one. */
export function pickVerifiableAddress(
  identity: StoredIdentity,
  address: string | undefined,
): VerifiableAddress {
  const all = identity.verifiable_addresses;
  const found =
    address === undefined
      ? all.length === 1
        ? all[0]
        : undefined
      : all.find((a) => a.id === address || a.value === address || a.value === address.trim().toLowerCase());
  if (found) return found;
  throw new NotFoundError("address_not_found", {
    message:
      address === undefined
        ? "The identity has no single verifiable address; name the address to verify."
        : `The identity has no verifiable address ${JSON.stringify(address)}.`,
  });
}

import { IdentityError, NotFoundError, ValidationError } from "../errors/index.js";
import type { StoredIdentity, VerifiableAddress } from "../identity/identity.js";
import type { RuntimeStorage } from "../storage/runtime-storage.js";
import type { FlowTokenKind, StoredFlowToken } from "../storage/storage-adapter.js";
import { formatGoDuration, parseGoDuration } from "./duration.js";
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

/**
 * Parses `expires_in` (Go duration syntax) into an absolute expiry, with Kratos's messages.
 * @throws ValidationError at `/expires_in`
 */
export function expiryFrom(expiresIn: string | undefined, now: Date, kind: "link" | "code" = "link"): Date {
  const raw = expiresIn ?? DEFAULT_LIFESPAN;
  const ms = parseGoDuration(raw);
  if (ms === undefined) {
    throw new ValidationError([
      {
        pointer: "/expires_in",
        code: "invalid_duration",
        message: `Unable to parse "expires_in" as a duration string (e.g. "1h", "1m30s", "500ms"): ${raw}`,
      },
    ]);
  }
  if (ms <= 0) {
    throw new ValidationError([
      {
        pointer: "/expires_in",
        code: "not_future",
        // Kratos's wording, typo included: the link endpoint echoes the input, the code endpoint the duration.
        message:
          kind === "link"
            ? `Value from "expires_in" must be result to a future time: ${raw}`
            : `Value from "expires_in" must result to a future time: ${formatGoDuration(ms)}`,
      },
    ]);
  }
  return new Date(now.getTime() + ms);
}

/** Issues a link token: a random 32-character token, stored only as its digest. */
export async function issueLinkToken(
  deps: FlowDeps,
  kind: FlowTokenKind,
  identityId: string,
  address: StoredFlowToken["address"],
  expiresAt: Date,
): Promise<{ flowId: string; token: string }> {
  const token = randomToken();
  const flowId = deps.newId();
  await deps.storage.insertFlowToken(
    record(deps, kind, flowId, deps.digester.sign(token), identityId, address, expiresAt),
  );
  return { flowId, token };
}

/** Issues a 6-digit code bound to a new flow, stored only as its digest. */
export async function issueCode(
  deps: FlowDeps,
  kind: FlowTokenKind,
  identityId: string,
  address: StoredFlowToken["address"],
  expiresAt: Date,
): Promise<{ flowId: string; code: string }> {
  const code = randomCode();
  const flowId = deps.newId();
  // The digest covers the flow id too, so equal codes of different flows never share a digest.
  await deps.storage.insertFlowToken(
    record(deps, kind, flowId, deps.digester.sign(`${flowId}:${code}`), identityId, address, expiresAt),
  );
  return { flowId, code };
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
 * Consumes a link token (single use: the store deletes it atomically).
 * @throws IdentityError `token_invalid` (unknown or used) | `token_expired`
 */
export async function redeemLinkToken(
  deps: FlowDeps,
  kind: FlowTokenKind,
  token: unknown,
): Promise<StoredFlowToken> {
  if (typeof token !== "string" || !/^[A-Za-z0-9]{1,128}$/.test(token))
    throw new IdentityError("token_invalid");
  const found = await deps.storage.consumeFlowToken(kind, deps.digester.candidates(token));
  if (!found) throw new IdentityError("token_invalid");
  return checkExpiry(found, deps.now());
}

/**
 * Submits a code for a flow: at most {@link MAX_CODE_ATTEMPTS} wrong codes, then the flow is dead.
 * @throws IdentityError `token_invalid` | `token_expired` | `too_many_attempts`
 */
export async function redeemCode(
  deps: FlowDeps,
  kind: FlowTokenKind,
  flowId: unknown,
  code: unknown,
): Promise<StoredFlowToken> {
  if (typeof flowId !== "string" || typeof code !== "string") throw new IdentityError("token_invalid");
  const digests = deps.digester.candidates(`${flowId}:${code.trim()}`);
  const result = await deps.storage.submitFlowCode(flowId, kind, digests, MAX_CODE_ATTEMPTS);
  switch (result.status) {
    case "ok":
      return checkExpiry(result.token, deps.now());
    case "exhausted":
      throw new IdentityError("too_many_attempts");
    default:
      throw new IdentityError("token_invalid");
  }
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

import { IdentityError, isIdentityError, NotFoundError, ValidationError } from "../errors/index.js";
import type { Identity } from "../identity/identity.js";
import { parsePayload } from "../identity/payloads.js";
import { toJsonInput } from "../json/json-input.js";
import { lazySchema } from "../json/lazy-zod.js";
import {
  checkCode,
  consumeToken,
  expiryFrom,
  findLinkToken,
  issueCode,
  issueLinkToken,
  pickVerifiableAddress,
} from "../recovery/flows.js";
import { type CasWrite, isUuid } from "../storage/identity-writer.js";
import type { StoredFlowToken } from "../storage/storage-adapter.js";
import type { ServiceContext } from "./context.js";

const RecoveryBody = lazySchema((z) =>
  z.strictObject({ identity_id: z.string(), expires_in: z.string().optional() }),
);
const VerificationBody = lazySchema((z) => RecoveryBody().extend({ address: z.string().optional() }));
const CodeBody = lazySchema((z) => z.object({ flow_id: z.unknown(), code: z.unknown() }));
/** Redemption attempts lost to concurrent writes of the identity before giving up with "try again". */
const MAX_STALE_REDEMPTIONS = 8;

/** `{ flow_id, code }` of a code submission, read once; wrong types are left for the flow to refuse. */
function codeInput(input: unknown): { flowId: unknown; code: unknown } {
  const parsed = CodeBody().safeParse(toJsonInput(input, { maxDepth: 2 }));
  return parsed.success
    ? { flowId: parsed.data.flow_id, code: parsed.data.code }
    : { flowId: undefined, code: undefined };
}

/**
 * Recovery and verification (Kratos `selfservice/strategy/link` and `code`, admin side): links and codes issued
 * for an identity, redeemed all-or-nothing (the token is consumed together with what it grants).
 */
export class Recovery {
  constructor(private readonly ctx: ServiceContext) {}

  async #identityById(identityId: string) {
    return isUuid(identityId) ? this.ctx.storage.getIdentity(identityId.toLowerCase()) : undefined;
  }

  /** `POST /admin/recovery/link`. */
  async createLink(body: unknown): Promise<{ recovery_link: string; expires_at: string }> {
    const input = parsePayload(RecoveryBody, body);
    const expiresAt = expiryFrom(input.expires_in, this.ctx.now());
    const identity = await this.#identityById(input.identity_id);
    if (!identity) {
      const message = "The requested identity id does not exist.";
      // Kratos's herodot.ErrBadRequest reason (selfservice/strategy/link/strategy_recovery.go).
      throw new ValidationError([{ pointer: "/identity_id", code: "not_found", message }], {
        reason: message,
      });
    }
    return issueLinkToken(this.ctx.flows, "recovery_link", identity.id, null, expiresAt, (issued) => ({
      recovery_link: this.ctx.links.recoveryLink(issued),
      expires_at: expiresAt.toISOString(),
    }));
  }

  /** `POST /admin/recovery/code`. */
  async createCode(
    body: unknown,
  ): Promise<{ recovery_link: string; recovery_code: string; expires_at: string; flow_id: string }> {
    const input = parsePayload(RecoveryBody, body);
    const expiresAt = expiryFrom(input.expires_in, this.ctx.now(), "code");
    const identity = await this.#identityById(input.identity_id);
    if (!identity) {
      // Kratos's sqlcon.ErrNoRows with its reason (selfservice/strategy/code/strategy_recovery_admin.go).
      throw new NotFoundError("identity_not_found", {
        message: "Unable to locate the resource",
        reason: "could not find identity",
      });
    }
    return issueCode(this.ctx.flows, "recovery_code", identity.id, null, expiresAt, ({ flowId, code }) => ({
      recovery_link: this.ctx.links.recoveryCode({ flowId }),
      recovery_code: code,
      expires_at: expiresAt.toISOString(),
      flow_id: flowId,
    }));
  }

  async redeemLink(token: unknown): Promise<Identity> {
    return this.#identityOfToken(await findLinkToken(this.ctx.flows, "recovery_link", token as string));
  }

  async redeemCode(input: unknown): Promise<Identity> {
    const { flowId, code } = codeInput(input);
    return this.#identityOfToken(
      await checkCode(this.ctx.flows, "recovery_code", flowId as string, code as string),
    );
  }

  /**
   * Recovery redemption, all-or-nothing: the token (found, not yet consumed) is consumed only after the identity
   * was read and found active, so a failed read leaves it redeemable. The consume is a compare-and-set on the
   * identity as read (its unchanged record, at its `updated_at`): a deactivation committed in between makes the
   * store answer `stale`, and the state is read and checked again.
   */
  async #identityOfToken(token: StoredFlowToken): Promise<Identity> {
    for (let attempt = 0; attempt < MAX_STALE_REDEMPTIONS; attempt++) {
      const identity = await this.ctx.storage.getIdentity(token.identity_id);
      if (!identity) throw new IdentityError("token_invalid");
      if (identity.state !== "active") {
        throw new IdentityError("identity_disabled", { details: { identity_id: identity.id } });
      }
      const outcome = await consumeToken(this.ctx.flows, token, {
        identity,
        expectedUpdatedAt: identity.updated_at,
      });
      if (outcome === "ok") {
        await this.ctx.lifecycle.after("afterRecovery", identity);
        return this.ctx.serialize(identity, { mode: "no_config" });
      }
      if (outcome === "not_found") throw new IdentityError("token_invalid");
    }
    throw new IdentityError("identity_conflict", {
      reason: "The identity was modified concurrently too many times; try again.",
    });
  }

  async #verificationTarget(body: unknown) {
    const input = parsePayload(VerificationBody, body);
    const expiresAt = expiryFrom(input.expires_in, this.ctx.now());
    const identity = await this.ctx.writer.load(input.identity_id);
    const target = pickVerifiableAddress(identity, input.address);
    return { identity, address: { via: target.via, value: target.value }, expiresAt };
  }

  async createVerificationLink(body: unknown): Promise<{ verification_link: string; expires_at: string }> {
    const { identity, address, expiresAt } = await this.#verificationTarget(body);
    return issueLinkToken(this.ctx.flows, "verification_link", identity.id, address, expiresAt, (issued) => ({
      verification_link: this.ctx.links.verificationLink(issued),
      expires_at: expiresAt.toISOString(),
    }));
  }

  async createVerificationCode(
    body: unknown,
  ): Promise<{ verification_link: string; verification_code: string; expires_at: string; flow_id: string }> {
    const { identity, address, expiresAt } = await this.#verificationTarget(body);
    return issueCode(
      this.ctx.flows,
      "verification_code",
      identity.id,
      address,
      expiresAt,
      ({ flowId, code }) => ({
        verification_link: this.ctx.links.verificationCode({ flowId }),
        verification_code: code,
        expires_at: expiresAt.toISOString(),
        flow_id: flowId,
      }),
    );
  }

  async redeemVerificationLink(token: unknown): Promise<Identity> {
    return this.#verifyFromToken(await findLinkToken(this.ctx.flows, "verification_link", token as string));
  }

  async redeemVerificationCode(input: unknown): Promise<Identity> {
    const { flowId, code } = codeInput(input);
    return this.#verifyFromToken(
      await checkCode(this.ctx.flows, "verification_code", flowId as string, code as string),
    );
  }

  async markAddressVerified(identityId: unknown, address: unknown): Promise<Identity> {
    if (typeof address !== "string") throw new NotFoundError("address_not_found");
    const identity = await this.ctx.writer.load(identityId as string);
    const target = pickVerifiableAddress(identity, address);
    return this.#setVerified(identity.id, target.via, target.value);
  }

  /**
   * Verification redemption, all-or-nothing: the adapter consumes the token and writes the verified address in
   * one atomic step (a stale identity is re-read and retried; a failure leaves the token redeemable).
   */
  async #verifyFromToken(token: StoredFlowToken): Promise<Identity> {
    const { address } = token;
    if (!address) throw new IdentityError("token_invalid");
    try {
      return await this.#setVerified(token.identity_id, address.via, address.value, (next, expected) =>
        consumeToken(this.ctx.flows, token, { identity: next, expectedUpdatedAt: expected }),
      );
    } catch (e) {
      if (isIdentityError(e, "identity_not_found") || isIdentityError(e, "address_not_found")) {
        throw new IdentityError("token_invalid", { cause: e });
      }
      throw e;
    }
  }

  async #setVerified(identityId: string, via: string, value: string, write?: CasWrite): Promise<Identity> {
    const stored = await this.ctx.writer.mutate(
      identityId,
      async (current, now) => {
        const index = current.verifiable_addresses.findIndex((a) => a.via === via && a.value === value);
        if (index < 0) throw new NotFoundError("address_not_found");
        const verifiable_addresses = current.verifiable_addresses.map((a, i) =>
          i === index
            ? {
                ...a,
                verified: true,
                status: "completed",
                verified_at: a.verified_at ?? now,
                updated_at: now,
              }
            : a,
        );
        return { ...current, verifiable_addresses };
      },
      write,
    );
    await this.ctx.lifecycle.after("afterVerification", stored, { address: { via, value } });
    return this.ctx.serialize(stored, { mode: "no_config" });
  }
}

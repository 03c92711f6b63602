import { randomBytes } from "node:crypto";
import { authenticatePassword } from "../credentials/authenticate-password.js";
import { FailurePace } from "../credentials/failure-pace.js";
import { withPasswordHash } from "../credentials/password-credential.js";
import { IdentityError, ValidationError } from "../errors/index.js";
import type { Identity } from "../identity/identity.js";
import { parsePayload } from "../identity/payloads.js";
import { lazySchema } from "../json/lazy-zod.js";
import type { ServiceContext } from "./context.js";

const LoginBody = lazySchema((z) => z.strictObject({ identifier: z.string(), password: z.string() }));

/** Password login with rehash, and setting a password under the policy. */
export class Passwords {
  #dummyHash: Promise<string> | undefined;
  readonly #pace = new FailurePace();

  constructor(private readonly ctx: ServiceContext) {}

  /** A hash of the configured kind, made once, that unknown identifiers are verified against (same cost). */
  #dummy(): Promise<string> {
    if (!this.#dummyHash) {
      const made = this.ctx.hasher.hash(randomBytes(18).toString("base64"));
      this.#dummyHash = made;
      made.catch(() => {
        if (this.#dummyHash === made) this.#dummyHash = undefined; // retry next time, never cache a failure
      });
    }
    return this.#dummyHash;
  }

  /** Password login (Kratos `selfservice/strategy/password/login.go`). */
  async authenticate(input: unknown): Promise<Identity> {
    const { identifier, password } = parsePayload(LoginBody, input);
    const { ctx } = this;
    const identity = await authenticatePassword(
      {
        hasher: ctx.hasher,
        findByIdentifier: (value) => ctx.storage.findIdentityByCredentialIdentifier("password", value),
        dummyHash: () => this.#dummy(),
        migrationHook: ctx.hooks.passwordMigration,
        onRehashError: ctx.hooks.onRehashError,
        pace: this.#pace,
        storeHash: (found, hash, previous) =>
          ctx.writer.mutate(found.id, async (current, now) => {
            // Compare-and-set on the hash itself: a password changed meanwhile (setPassword, PUT) must not be
            // overwritten by the rehash of the old one.
            if (current.credentials.password?.config?.hashed_password !== previous) {
              throw new IdentityError("identity_conflict", {
                reason: "The password changed while it was rehashed.",
              });
            }
            return withPasswordHash(current, hash, now);
          }),
      },
      identifier,
      password,
    );
    await ctx.lifecycle.after("afterLogin", identity);
    // The identity as found, or as stored by a rehash: no second read on the login path.
    return ctx.serialize(identity, { mode: "no_config" });
  }

  /** Sets an identity's password under the password policy. */
  async set(identityId: unknown, password: unknown): Promise<Identity> {
    if (typeof password !== "string") {
      throw new ValidationError([
        { pointer: "/password", code: "invalid_type", message: "The password must be a string." },
      ]);
    }
    const identity = await this.ctx.writer.load(identityId as string);
    const identifiers = new Set([
      ...(identity.credentials.password?.identifiers ?? []),
      ...identity.verifiable_addresses.map((a) => a.value),
      ...identity.recovery_addresses.map((a) => a.value),
    ]);
    await this.ctx.policy.check(password, [...identifiers]);
    const context = { operation: "set_password", type: "password" } as const;
    await this.ctx.lifecycle.beforeCheck("beforeCredentialChange", identity, context);
    const hash = await this.ctx.hasher.hash(password);
    const stored = await this.ctx.writer.mutate(identity.id, async (current, now) =>
      withPasswordHash(current, hash, now),
    );
    await this.ctx.lifecycle.after("afterCredentialChange", stored, context);
    return this.ctx.serialize(stored, { mode: "no_config" });
  }
}

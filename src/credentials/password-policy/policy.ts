import { ValidationError } from "../../errors/index.js";
import { toJsonInput } from "../../json/json-input.js";
import { utf8ByteLength } from "./byte-length.js";
import { isCommonPassword } from "./common-passwords.js";
import { breachCheckFailed, breached, invalidType, tooLong, tooShort, tooSimilar } from "./issues.js";
import { type PasswordPolicyOptions, resolvePasswordPolicyOptions } from "./options.js";
import { isTooSimilarToIdentifier } from "./similarity.js";

/** Checks new passwords against Kratos's password policy. */
export interface PasswordPolicy {
  /**
   * Resolves when `password` may be used by an identity with these (password) `identifiers`.
   *
   * Rules, in order, stopping at the first failure: byte length (`too_short`, `too_long`); similarity to each
   * identifier (`too_similar`); the offline common-password list (`breached`); the asynchronous breach checker
   * (`breached`, or `breach_check_failed` when it fails and errors are not ignored).
   *
   * @throws ValidationError `validation_failed` with one issue at `/password` whose `code` names the rule.
   */
  check(password: string, identifiers: readonly string[]): Promise<void>;
}

/** The identifiers argument as a plain array (read once). @throws ValidationError at `/identifiers` */
function identifierList(identifiers: unknown): unknown[] {
  const copy = toJsonInput(identifiers, { root: "/identifiers", maxDepth: 2 });
  if (!Array.isArray(copy)) {
    throw new ValidationError([
      { pointer: "/identifiers", code: "invalid_type", message: "expected an array of identifiers" },
    ]);
  }
  return copy;
}

/**
 * Creates a password policy with Kratos's rules and messages: minimum length 8 bytes, identifier similarity,
 * a common-password list kept offline (loaded on the first check, not at import), and an optional breach checker
 * such as {@link createPwnedPasswordsChecker}.
 *
 * @example
 * ```ts
 * const policy = createPasswordPolicy({ maxBytes: 72 });
 * await policy.check("correct horse battery staple", ["alice@example.com"]); // resolves
 * await policy.check("password", ["alice@example.com"]); // throws ValidationError (breached)
 * ```
 * @throws IdentityError `invalid_configuration` for invalid options.
 */
export function createPasswordPolicy(options: PasswordPolicyOptions = {}): PasswordPolicy {
  const o = resolvePasswordPolicyOptions(options);
  const checker = o.breachedPasswordChecker;

  async function countBreaches(password: string, run: (password: string) => Promise<number>) {
    try {
      const count = await run(password);
      if (typeof count !== "number" || !Number.isFinite(count) || count < 0) {
        throw new TypeError(`breachedPasswordChecker resolved ${String(count)}, expected a count >= 0`);
      }
      return count;
    } catch (cause) {
      if (o.ignoreCheckerErrors) return 0;
      throw breachCheckFailed(cause);
    }
  }

  return {
    async check(password, identifiers) {
      if (typeof password !== "string") throw invalidType();
      const bytes = utf8ByteLength(password);
      if (bytes < o.minLength) throw tooShort(o.minLength, bytes);
      if (o.maxBytes !== undefined && bytes > o.maxBytes) throw tooLong(o.maxBytes, bytes);

      if (o.identifierSimilarityCheck) {
        for (const identifier of identifierList(identifiers)) {
          if (typeof identifier === "string" && isTooSimilarToIdentifier(identifier, password)) {
            throw tooSimilar();
          }
        }
      }

      if (o.commonPasswordCheck && (await isCommonPassword(password))) {
        throw breached({ source: "common_password_list" });
      }

      if (checker !== undefined) {
        const count = await countBreaches(password, checker);
        if (count > o.maxBreaches) throw breached({ source: "breached_password_checker", breaches: count });
      }
    },
  };
}

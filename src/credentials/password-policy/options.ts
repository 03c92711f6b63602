import { IdentityError } from "../../errors/index.js";
import { readConfiguration } from "../../json/arguments.js";
import {
  issuesReason,
  optionalBoolean,
  optionalFunction,
  optionalInt,
  strictObject,
} from "../../json/config-check.js";

/** Options of {@link createPasswordPolicy}; Kratos's `selfservice.methods.password.config` in library form. */
export interface PasswordPolicyOptions {
  /** Minimum length in UTF-8 bytes, as Kratos's `min_password_length`; at least 6. @default 8 */
  minLength?: number;
  /** Maximum length in UTF-8 bytes; the identity manager passes the hasher's limit (bcrypt: 72). @default undefined (no limit) */
  maxBytes?: number;
  /** Kratos's identifier-similarity check (`identifier_similarity_check_enabled`). @default true */
  identifierSimilarityCheck?: boolean;
  /** Reject passwords on the offline common/breached-password list from `@zxcvbn-ts/language-common`. @default true */
  commonPasswordCheck?: boolean;
  /**
   * Asynchronous breach check, e.g. {@link createPwnedPasswordsChecker}; resolves the number of breaches the password
   * was seen in (0 = never).
   * @default undefined (no online check)
   */
  breachedPasswordChecker?: (password: string) => Promise<number>;
  /** Breach count the checker may report before the password is rejected, 0..100 (Kratos's `max_breaches`). @default 0 */
  maxBreaches?: number;
  /**
   * What to do when the checker throws or resolves something other than a count: allow the password (`true`, as
   * Kratos's `ignore_network_errors`) or reject it with a `breach_check_failed` issue.
   * @default true
   */
  ignoreCheckerErrors?: boolean;
}

/** {@link PasswordPolicyOptions} with every default applied. */
export interface ResolvedPasswordPolicyOptions {
  readonly minLength: number;
  readonly maxBytes: number | undefined;
  readonly identifierSimilarityCheck: boolean;
  readonly commonPasswordCheck: boolean;
  readonly breachedPasswordChecker: ((password: string) => Promise<number>) | undefined;
  readonly maxBreaches: number;
  readonly ignoreCheckerErrors: boolean;
}

/** Kratos's default `min_password_length`, in bytes. */
export const DEFAULT_MIN_PASSWORD_LENGTH = 8;
/** Kratos's schema minimum for `min_password_length`. */
export const MIN_PASSWORD_LENGTH_FLOOR = 6;
/** Kratos's schema maximum for `max_breaches`. */
export const MAX_BREACHES_CEILING = 100;

/** The options of a password policy (an unknown one is refused). */
export const PASSWORD_POLICY_OPTIONS = [
  "minLength",
  "maxBytes",
  "identifierSimilarityCheck",
  "commonPasswordCheck",
  "breachedPasswordChecker",
  "maxBreaches",
  "ignoreCheckerErrors",
] as const;

const check = strictObject({
  minLength: optionalInt(MIN_PASSWORD_LENGTH_FLOOR),
  maxBytes: optionalInt(1),
  identifierSimilarityCheck: optionalBoolean,
  commonPasswordCheck: optionalBoolean,
  breachedPasswordChecker: optionalFunction,
  maxBreaches: optionalInt(0, MAX_BREACHES_CEILING),
  ignoreCheckerErrors: optionalBoolean,
});

/**
 * Validates password-policy options and applies the defaults.
 *
 * @throws IdentityError `invalid_configuration` naming the offending option.
 */
export function resolvePasswordPolicyOptions(
  options: PasswordPolicyOptions = {},
): ResolvedPasswordPolicyOptions {
  const given = readConfiguration(options, "passwordPolicy", PASSWORD_POLICY_OPTIONS);
  const issues = check(given, "");
  const o = given as PasswordPolicyOptions;
  if (
    issues.length === 0 &&
    o.maxBytes !== undefined &&
    o.maxBytes < (o.minLength ?? DEFAULT_MIN_PASSWORD_LENGTH)
  ) {
    issues.push({ path: "maxBytes", message: "must not be smaller than minLength" });
  }
  if (issues.length > 0) {
    throw new IdentityError("invalid_configuration", { reason: issuesReason("passwordPolicy", issues) });
  }
  return Object.freeze({
    minLength: o.minLength ?? DEFAULT_MIN_PASSWORD_LENGTH,
    maxBytes: o.maxBytes,
    identifierSimilarityCheck: o.identifierSimilarityCheck ?? true,
    commonPasswordCheck: o.commonPasswordCheck ?? true,
    breachedPasswordChecker: o.breachedPasswordChecker,
    maxBreaches: o.maxBreaches ?? 0,
    ignoreCheckerErrors: o.ignoreCheckerErrors ?? true,
  });
}

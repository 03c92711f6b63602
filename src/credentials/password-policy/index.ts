/**
 * Password policy for new passwords, after Kratos's `DefaultPasswordValidator`: minimum length in bytes, identifier
 * similarity, an offline common-password list and an optional k-anonymity breach check (Have I Been Pwned).
 *
 * @module
 */
export { preloadCommonPasswords } from "./common-passwords.js";
export { PASSWORD_POINTER, type PasswordPolicyIssueCode } from "./issues.js";
export {
  DEFAULT_MIN_PASSWORD_LENGTH,
  PASSWORD_POLICY_OPTIONS,
  type PasswordPolicyOptions,
  type ResolvedPasswordPolicyOptions,
  resolvePasswordPolicyOptions,
} from "./options.js";
export { createPasswordPolicy, type PasswordPolicy } from "./policy.js";
export {
  createPwnedPasswordsChecker,
  DEFAULT_PWNED_PASSWORDS_HOST,
  type PwnedPasswordsCheckerOptions,
} from "./pwned-passwords.js";
export { isTooSimilarToIdentifier } from "./similarity.js";

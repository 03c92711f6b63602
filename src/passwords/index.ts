/**
 * idkit/passwords: password hashing, verification of every supported hash format, import-hash validation and the
 * password policy, without the schema machinery (no ajv, zod or libphonenumber-js is loaded). For apps that only
 * need to hash or check passwords, or a worker that verifies imported hashes.
 *
 * @example
 * ```ts
 * import { createPasswordHasher, verifyPassword } from "idkit/passwords";
 * const hasher = createPasswordHasher();
 * const hash = await hasher.hash("correct horse battery staple");
 * await verifyPassword("correct horse battery staple", hash); // true
 * ```
 *
 * @module
 */

export * from "../credentials/password/index.js";
export {
  createPasswordPolicy,
  createPwnedPasswordsChecker,
  DEFAULT_MIN_PASSWORD_LENGTH,
  DEFAULT_PWNED_PASSWORDS_HOST,
  type PasswordPolicy,
  type PasswordPolicyIssueCode,
  type PasswordPolicyOptions,
  type PwnedPasswordsCheckerOptions,
  preloadCommonPasswords,
} from "../credentials/password-policy/index.js";
export {
  IdentityError,
  type IdentityErrorCode,
  type IdentityErrorDetails,
  isIdentityError,
  ValidationError,
  type ValidationIssue,
} from "../errors/index.js";

/**
 * Password credentials: hashing new passwords (argon2id, bcrypt), verifying stored hashes of every supported
 * format, and validating hashes on import.
 *
 * @module
 */
export type { HashVerifier } from "./hash-verifier.js";
export {
  type Argon2Options,
  createPasswordHasher,
  type HashingAlgorithm,
  type HashingOptions,
  type PasswordHasher,
} from "./password-hasher.js";
export { validateImportedHash, verifyPassword } from "./verify-password.js";

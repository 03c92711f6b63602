/**
 * A verifier for one stored-hash format (`$2b$…`, `$argon2id$…`, `{SSHA}…`, …).
 *
 * Contract:
 * - `matches` is a cheap prefix test used to dispatch (Kratos `hash/hash_comparator.go` order).
 * - `validate` parses the hash strictly and checks parameter bounds **before any expensive work**; it throws
 *   `IdentityError("unsupported_hash")` for a malformed hash and `IdentityError("hash_parameters_out_of_bounds")`
 *   for costs over the bounds. It never runs the hash function.
 * - `verify` resolves `false` for a wrong password **and** for a malformed or out-of-bounds hash; it never
 *   throws for bad input and never blocks the event loop for long (expensive work runs off the main thread).
 *   Comparisons of secrets are constant-time.
 */
export interface HashVerifier {
  /** Stable id, e.g. `bcrypt`, `argon2id`, `pbkdf2`, `md5crypt`. */
  readonly id: string;
  matches(hash: string): boolean;
  validate(hash: string): void;
  verify(password: string, hash: string): Promise<boolean>;
}

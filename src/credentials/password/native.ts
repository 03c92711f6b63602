/**
 * The native hashing packages, loaded with the first hash computed rather than at import (cold start: together
 * they cost about as much as the rest of the package). A dynamic `import()`, so each build resolves them as it
 * resolves any dependency, and a test's module mock still applies. The promise is kept: one load per process.
 */
type Argon2 = typeof import("@node-rs/argon2");
type Bcrypt = typeof import("@node-rs/bcrypt");

let argon2: Promise<Argon2> | undefined;
let bcrypt: Promise<Bcrypt> | undefined;

/** `@node-rs/argon2`. */
export function loadArgon2(): Promise<Argon2> {
  argon2 ??= import("@node-rs/argon2");
  return argon2;
}

/** `@node-rs/bcrypt`. */
export function loadBcrypt(): Promise<Bcrypt> {
  bcrypt ??= import("@node-rs/bcrypt");
  return bcrypt;
}

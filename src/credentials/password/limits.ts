/**
 * Length caps shared by every password verifier. Together with each format's cost bounds (in its verifier) they
 * bound the total work one verification may cost; `docs/passwords.md` ("Worst-case verification cost per format")
 * states the resulting worst case per format.
 */

/**
 * Longest password considered, in UTF-8 bytes (passlib uses 4096 too). Login, `verifyPassword` and
 * `hasher.verify` answer a longer one without hashing: no stored password is this long, and SHA-crypt's cost grows
 * with the password's length.
 */
export const MAX_PASSWORD_BYTES = 4096;

/**
 * Longest stored hash looked at, in UTF-16 code units. Checked first, before any prefix test, regular expression or
 * base64 decoding: a longer string is `unsupported_hash` at once. The longest hash any format accepts is under
 * 3 KiB (see {@link MAX_SALT_BYTES} and {@link MAX_KEY_BYTES}); the margin lets an over-long cost field (e.g. a
 * 3,200-byte PBKDF2 key) be reported as `hash_parameters_out_of_bounds`.
 */
export const MAX_HASH_LENGTH = 65_536;

/**
 * Longest salt-like field accepted, in decoded bytes: salts (argon2, PBKDF2, scrypt, Firebase scrypt and its salt
 * separator, `{SSHA}`/`{SMD5}`, the `$md5$`/`$sha…$` salt), `pf=` salt templates and HMAC keys. Real systems use
 * 8 to 64 bytes. Longer is `hash_parameters_out_of_bounds`: each byte is hashed at least once per verification.
 */
export const MAX_SALT_BYTES = 1024;

/**
 * Longest derived key (tag) accepted, in bytes: argon2 tags, PBKDF2 and scrypt keys, the Firebase signer key. Real
 * systems use 16 to 64 bytes; PBKDF2's cost grows with it (one more block every digest length). Longer is
 * `hash_parameters_out_of_bounds`.
 */
export const MAX_KEY_BYTES = 1024;

/**
 * Whether a password is a string of at most {@link MAX_PASSWORD_BYTES} UTF-8 bytes. Constant time in the length for
 * long strings (a string of more UTF-16 units than the cap has more bytes than the cap).
 */
export function isAcceptablePassword(password: unknown): password is string {
  return (
    typeof password === "string" &&
    password.length <= MAX_PASSWORD_BYTES &&
    Buffer.byteLength(password, "utf8") <= MAX_PASSWORD_BYTES
  );
}

/**
 * Every error code idkit raises, with the HTTP status a wrapper should answer with and the default message.
 * A code never changes meaning once released; `docs/errors.md` lists them all (a test keeps the two in step).
 */
export const ERROR_CODES = Object.freeze({
  validation_failed: { status: 400, message: "The request was malformed or contained invalid parameters" },
  schema_not_found: { status: 400, message: "Unable to find JSON Schema ID" },
  invalid_patch: { status: 400, message: "The JSON Patch could not be applied" },
  invalid_page_token: {
    status: 400,
    message: "The page token is invalid, do not craft your own page tokens",
  },
  unsupported_hash: { status: 400, message: "The imported password does not match any known hash format." },
  hash_parameters_out_of_bounds: {
    status: 400,
    message:
      "The imported password hash declares cost parameters that exceed the bounds enforced by idkit. Re-hash the password with a more conservative configuration before importing.",
  },
  unconvertible_record: {
    status: 400,
    message: "The record of another identity system's export cannot be converted to an identity.",
  },
  last_credential: { status: 400, message: "You cannot remove the last first factor credential." },
  credential_not_deletable: { status: 400, message: "Credentials of this type cannot be deleted." },
  token_invalid: { status: 400, message: "The token or code is invalid or has already been used." },
  too_many_attempts: {
    status: 400,
    message: "The request was submitted too often. Please request another code.",
  },
  invalid_credentials: {
    status: 401,
    message:
      "The provided credentials are invalid, check for spelling mistakes in your password or username, email address, or phone number.",
  },
  identity_disabled: { status: 401, message: "This account was disabled." },
  insufficient_scope: { status: 403, message: "The API key lacks a scope this request requires." },
  identity_not_found: { status: 404, message: "The requested identity could not be found." },
  credential_not_found: { status: 404, message: "The identity has no credential of this type." },
  address_not_found: { status: 404, message: "The identity has no such verifiable address." },
  api_key_not_found: { status: 404, message: "The requested API key could not be found." },
  identity_conflict: {
    status: 409,
    message: "This identity conflicts with another identity that already exists.",
  },
  token_expired: { status: 410, message: "The token or code has expired." },
  invalid_configuration: { status: 500, message: "Invalid configuration" },
  storage_error: { status: 500, message: "The storage adapter failed." },
  password_migration_failed: { status: 502, message: "The password migration hook failed." },
} as const satisfies Record<string, { status: number; message: string }>);

/** A stable, snake_case error code. */
export type IdentityErrorCode = keyof typeof ERROR_CODES;

/** HTTP reason phrases for the statuses idkit uses (Kratos puts them in the envelope's `status`). */
export const HTTP_STATUS_TEXT: Readonly<Record<number, string>> = Object.freeze({
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  410: "Gone",
  500: "Internal Server Error",
  502: "Bad Gateway",
});

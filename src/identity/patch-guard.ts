/**
 * Paths a JSON Patch may not touch, as `/`-separated globs over RFC 6901 reference tokens: `*` is one whole token,
 * `**` any number of tokens (none included). Kratos (`identity/handler.go`, `jsonx.ApplyJSONPatch`) denies `/id`,
 * `/credentials`, `/credentials/oidc`, `/credentials/oidc/**`, `/credentials/saml` and `/credentials/saml/**`
 * (gobwas/glob with a `/` separator, where `**` crosses separators); idkit also protects the computed
 * `schema_url` and the timestamps (Kratos's `/stateChangedAt` entry never matched the real key), and idkit's
 * `api_key` credential (its identifiers are the identity's key ids, kept in step with the key records).
 */
export const DENIED_PATCH_PATHS: readonly string[] = Object.freeze([
  "/id",
  "/schema_url",
  "/created_at",
  "/updated_at",
  "/state_changed_at",
  "/credentials",
  "/credentials/oidc",
  "/credentials/oidc/**",
  "/credentials/saml",
  "/credentials/saml/**",
  "/credentials/api_key",
  "/credentials/api_key/**",
]);

const DENIED_TOKEN_GLOBS: readonly (readonly string[])[] = DENIED_PATCH_PATHS.map((glob) =>
  glob.slice(1).split("/"),
);

/** Whether `tokens` (decoded, any case) match `glob` token for token; `**` matches zero or more tokens. */
function matches(glob: readonly string[], tokens: readonly string[]): boolean {
  for (let i = 0; i < glob.length; i++) {
    const part = glob[i];
    // `**` is only ever the last part of a denied glob: it takes every remaining token, none included.
    if (part === "**") return true;
    if (i >= tokens.length) return false;
    if (part !== "*" && part !== tokens[i]) return false;
  }
  return glob.length === tokens.length;
}

/**
 * Whether a patch path is protected. Matching is on the decoded reference tokens (so `~0` / `~1` escapes cannot
 * disguise a token) and case-insensitive like Kratos's (it lowercases the path), at any depth below a `**` glob.
 * A `__proto__` token is denied too: it is never part of an identity document.
 * @param tokens the decoded reference tokens of the path (see `parsePointer`).
 */
export function isDeniedPatchPath(tokens: readonly string[]): boolean {
  const lower = tokens.map((t) => t.toLowerCase());
  if (lower.includes("__proto__")) return true;
  return DENIED_TOKEN_GLOBS.some((glob) => matches(glob, lower));
}

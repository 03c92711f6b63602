import { IdentityError, ValidationError } from "../errors/index.js";
import { cloneJson } from "../identity/clone.js";
import type { Credential, CredentialsMap, OidcCredentialConfig, OidcProvider } from "../identity/identity.js";
import type { ImportCredentials } from "../identity/payloads.js";
import { MAX_PASSWORD_BYTES } from "./authenticate-password.js";
import { duplicateKeyIssues, importPasskey, importWebAuthn } from "./webauthn.js";

/** What importing credentials needs from the outside. */
export interface CredentialImportContext {
  /** Hashes a clear-text password with the configured hasher (off the main thread). */
  hashPassword(password: string): Promise<string>;
  /** Validates an imported hash (format and bounds) without running it; throws `unsupported_hash` / `hash_parameters_out_of_bounds`. */
  validateHash(hash: string): void;
  identityId: string;
  now: string;
}

/**
 * Checks what can be checked cheaply before any hashing: webauthn and passkey imports repeat no key id, imported
 * hashes are parsed and bounded, and a password credential has something to import.
 * @throws ValidationError (`duplicate` key ids) | IdentityError `unsupported_hash` | `hash_parameters_out_of_bounds`
 */
export function precheckCredentials(
  body: ImportCredentials | undefined,
  ctx: Pick<CredentialImportContext, "validateHash">,
): void {
  if (body?.webauthn || body?.passkey) {
    const duplicates = [
      ...duplicateKeyIssues(body?.webauthn, "webauthn"),
      ...duplicateKeyIssues(body?.passkey, "passkey"),
    ];
    if (duplicates.length > 0) throw new ValidationError(duplicates);
  }
  const config = body?.password?.config;
  if (!config || config.use_password_migration_hook === true || config.password) return;
  if (!config.hashed_password) {
    throw new IdentityError("unsupported_hash", {
      reason: "The imported password does not match any known hash format.",
      details: {
        issues: [
          {
            pointer: "/credentials/password/config",
            code: "missing",
            message: "Either password or hashed_password must be set.",
          },
        ],
      },
    });
  }
  ctx.validateHash(config.hashed_password);
}

function credential(existing: Credential | undefined, type: Credential["type"], now: string): Credential {
  return existing
    ? { ...existing, identifiers: [...existing.identifiers], updated_at: now }
    : { type, identifiers: [], version: 0, created_at: now, updated_at: now };
}

function importProviders(
  existing: Credential | undefined,
  type: "oidc" | "saml",
  providers: ReadonlyArray<{
    provider: string;
    subject: string;
    use_auto_link?: boolean | undefined;
    organization?: string | null | undefined;
  }>,
  now: string,
): Credential {
  const cred = credential(existing, type, now);
  const config = cloneJson((cred.config ?? { providers: [] }) as unknown as OidcCredentialConfig);
  config.providers ??= [];
  const linked = new Set(cred.identifiers);
  for (const p of providers) {
    const identifier = `${p.provider}:${p.subject}`;
    if (linked.has(identifier)) continue;
    linked.add(identifier);
    cred.identifiers.push(identifier);
    const entry: OidcProvider = { subject: p.subject, provider: p.provider };
    if (type === "oidc")
      Object.assign(entry, { initial_id_token: "", initial_access_token: "", initial_refresh_token: "" });
    if (p.organization) entry.organization = p.organization;
    if (p.use_auto_link === true) entry.use_auto_link = true;
    config.providers.push(entry);
  }
  cred.config = config as unknown as Record<string, unknown>;
  return cred;
}

/**
 * Imports credentials onto a credentials map (empty on create, the stored one on update), with Kratos's rules
 * (spec 3.3): password replaces (clear text is hashed with the configured hasher, no password policy; a hash is
 * stored as given), oidc/saml providers are appended without duplicates, totp replaces, lookup codes append,
 * webauthn and passkey keys merge by credential id (`./webauthn.ts`). Identifiers of password and webauthn
 * credentials come from the traits, not from here; a passkey's user handle is its identifier.
 */
export async function importCredentials(
  current: CredentialsMap,
  body: ImportCredentials | undefined,
  ctx: CredentialImportContext,
): Promise<CredentialsMap> {
  const password = clearTextPassword(body);
  const hashed = password === undefined ? undefined : await hashClearText(password, ctx);
  return importHashedCredentials(current, body, ctx, hashed);
}

/** The clear-text password `body` imports (which costs one hash), or undefined. */
export function clearTextPassword(body: ImportCredentials | undefined): string | undefined {
  const cfg = body?.password?.config;
  return cfg && cfg.use_password_migration_hook !== true && cfg.password ? cfg.password : undefined;
}

/**
 * Hashes an imported clear-text password with the configured hasher.
 * @throws ValidationError `too_long` (or the hasher's issues) at `/credentials/password/config/password`
 */
export async function hashClearText(
  password: string,
  ctx: Pick<CredentialImportContext, "hashPassword">,
): Promise<string> {
  if (Buffer.byteLength(password) > MAX_PASSWORD_BYTES) {
    throw new ValidationError([
      {
        pointer: "/credentials/password/config/password",
        code: "too_long",
        message: `The password must be at most ${MAX_PASSWORD_BYTES} bytes long: longer ones could never log in.`,
      },
    ]);
  }
  try {
    return await ctx.hashPassword(password);
  } catch (e) {
    if (e instanceof ValidationError) {
      throw new ValidationError(
        e.issues.map((i) => ({ ...i, pointer: "/credentials/password/config/password" })),
        { cause: e },
      );
    }
    throw e;
  }
}

/**
 * {@link importCredentials} once the clear-text password, if any ({@link clearTextPassword}), is hashed
 * (`hashed`): synchronous.
 */
export function importHashedCredentials(
  current: CredentialsMap,
  body: ImportCredentials | undefined,
  ctx: Omit<CredentialImportContext, "hashPassword">,
  hashed: string | undefined,
): CredentialsMap {
  const out: CredentialsMap = cloneJson(current);
  if (!body) return out;
  const { now } = ctx;
  if (body.password) {
    const cfg = body.password.config;
    const cred = credential(out.password, "password", now);
    cred.version = 1;
    if (cfg.use_password_migration_hook === true) {
      cred.config = { use_password_migration_hook: true };
    } else if (cfg.password) {
      cred.config = { hashed_password: hashed as string };
    } else {
      precheckCredentials(body, ctx);
      cred.config = { hashed_password: cfg.hashed_password as string };
    }
    out.password = cred;
  }
  if (body.oidc) out.oidc = importProviders(out.oidc, "oidc", body.oidc.config.providers, now);
  if (body.saml) out.saml = importProviders(out.saml, "saml", body.saml.config.providers, now);
  if (body.totp) {
    const cred = credential(out.totp, "totp", now);
    cred.config = { totp_url: body.totp.config.totp_url };
    cred.identifiers = [ctx.identityId];
    out.totp = cred;
  }
  if (body.webauthn) out.webauthn = importWebAuthn(out.webauthn, body.webauthn, ctx);
  if (body.passkey) out.passkey = importPasskey(out.passkey, body.passkey, ctx);
  if (body.lookup_secret) {
    const cred = credential(out.lookup_secret, "lookup_secret", now);
    const codes = ((cred.config?.recovery_codes as unknown[]) ?? []).concat(
      body.lookup_secret.config.codes.map((c) => ({ code: c.code, used_at: c.used_at ?? null })),
    );
    cred.config = { recovery_codes: codes };
    cred.identifiers = [ctx.identityId];
    out.lookup_secret = cred;
  }
  return out;
}

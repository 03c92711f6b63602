import { ValidationError, type ValidationIssue } from "../errors/index.js";
import { cloneJson } from "../identity/clone.js";
import type { Credential, WebAuthnCredentialConfig, WebAuthnKey } from "../identity/identity.js";
import { uuidUserHandle } from "../identity/webauthn-config.js";
import {
  MAX_WEBAUTHN_CREDENTIALS,
  userHandleString,
  type WebAuthnImportConfig,
} from "../identity/webauthn-payload.js";

/**
 * Reads a stored config the way Go's `json.Unmarshal` into `CredentialsWebAuthnConfig` would: other members are
 * dropped; a member of the wrong type is an error (Kratos answers 400 with the decoder's message).
 * @throws ValidationError at `/credentials/<type>/config` when the stored config cannot be read
 */
function storedConfig(cred: Credential | undefined, type: "webauthn" | "passkey"): WebAuthnCredentialConfig {
  const config = (cred?.config ?? {}) as Record<string, unknown>;
  const credentials = config.credentials ?? null;
  const handle = config.user_handle ?? null;
  const keysOk =
    credentials === null ||
    (Array.isArray(credentials) &&
      credentials.every(
        (k) => k !== null && typeof k === "object" && typeof (k as WebAuthnKey).id === "string",
      ));
  if (!keysOk || (handle !== null && typeof handle !== "string")) {
    throw new ValidationError([
      {
        pointer: `/credentials/${type}/config`,
        code: "type",
        message: `The stored ${type} credential cannot be merged with the import: its config is malformed.`,
      },
    ]);
  }
  return { credentials: credentials as WebAuthnKey[] | null, user_handle: (handle as string | null) || null };
}

/**
 * Kratos `mergeWebAuthnCredentials` (`identity/handler_import.go`): the stored keys stay in their order, a key
 * with the id of a stored one replaces it in place, the others are appended. Without a stored credential the
 * imported list is taken as is (`null` when none was given).
 * @throws ValidationError `too_big` when the result holds more than MAX_WEBAUTHN_CREDENTIALS keys
 */
function mergeKeys(
  stored: WebAuthnCredentialConfig | undefined,
  imported: readonly WebAuthnKey[] | null,
  type: "webauthn" | "passkey",
): WebAuthnKey[] | null {
  let out: WebAuthnKey[] | null;
  if (!stored) {
    out = imported && cloneJson(imported as WebAuthnKey[]);
  } else {
    out = cloneJson(stored.credentials ?? []);
    for (const key of imported ?? []) {
      const at = out.findIndex((k) => k.id === key.id);
      if (at >= 0) out[at] = cloneJson(key);
      else out.push(cloneJson(key));
    }
  }
  if (out && out.length > MAX_WEBAUTHN_CREDENTIALS) {
    throw new ValidationError([
      {
        pointer: `/credentials/${type}/config/credentials`,
        code: "too_big",
        message: `A ${type} credential holds at most ${MAX_WEBAUTHN_CREDENTIALS} keys; the merge would hold ${out.length}.`,
      },
    ]);
  }
  return out;
}

/**
 * Imports `credentials.webauthn` (Kratos `importWebAuthnCredentials`): keys merged by id; the user handle given
 * replaces the stored one, an absent one keeps it, and with neither it is the identity id's 16 bytes (what
 * Kratos's read-time `UpgradeWebAuthnCredentials` sets). Identifiers are kept (the schema's
 * `webauthn.identifier` traits replace them afterwards); the version is 1, as Kratos reads it back.
 * @throws ValidationError (malformed stored config, too many keys)
 */
export function importWebAuthn(
  existing: Credential | undefined,
  body: WebAuthnImportConfig,
  ctx: { identityId: string; now: string },
): Credential {
  const stored = existing ? storedConfig(existing, "webauthn") : undefined;
  const credentials = mergeKeys(stored, body.credentials, "webauthn");
  const config: WebAuthnCredentialConfig = {
    credentials,
    user_handle: body.user_handle || stored?.user_handle || uuidUserHandle(ctx.identityId),
  };
  return envelope(existing, "webauthn", config, 1, existing ? [...existing.identifiers] : [], ctx.now);
}

/**
 * Imports `credentials.passkey` (Kratos `importPasskeyCredentials`): keys merged by id like webauthn; a user handle
 * given becomes the config's handle and, when new, is appended to the identifiers (as the string of its bytes),
 * keeping the previous ones; an absent one inherits the stored handle. Version 0, as Kratos writes it.
 * @throws ValidationError `required` when there is no user handle (given or stored) or no key after merging,
 *   with Kratos's messages
 */
export function importPasskey(
  existing: Credential | undefined,
  body: WebAuthnImportConfig,
  ctx: { now: string },
): Credential {
  const stored = existing ? storedConfig(existing, "passkey") : undefined;
  const credentials = mergeKeys(stored, body.credentials, "passkey");
  const identifiers = existing ? [...existing.identifiers] : [];
  let handle = body.user_handle || null;
  const issues: ValidationIssue[] = [];
  if (handle) {
    const identifier = userHandleString(handle);
    if (identifier === undefined) {
      issues.push({
        pointer: "/credentials/passkey/config/user_handle",
        code: "invalid_format",
        message:
          "A passkey user handle must be UTF-8 text without NUL: it is stored as the passkey identifier.",
      });
    } else if (!identifiers.includes(identifier)) identifiers.push(identifier);
  } else {
    handle = stored?.user_handle ?? null;
  }
  if (!handle) {
    issues.push({
      pointer: "/credentials/passkey/config/user_handle",
      code: "required",
      message:
        "Passkey credential import requires a non-empty user_handle. It must match the WebAuthn user handle stored on the authenticator.",
    });
  }
  if (!credentials || credentials.length === 0) {
    issues.push({
      pointer: "/credentials/passkey/config/credentials",
      code: "required",
      message:
        "Passkey credential import requires at least one entry in credentials.passkey.config.credentials.",
    });
  }
  if (issues.length > 0) throw new ValidationError(issues);
  return envelope(existing, "passkey", { credentials, user_handle: handle }, 0, identifiers, ctx.now);
}

function envelope(
  existing: Credential | undefined,
  type: "webauthn" | "passkey",
  config: WebAuthnCredentialConfig,
  version: number,
  identifiers: string[],
  now: string,
): Credential {
  return {
    type,
    identifiers,
    config: config as unknown as Record<string, unknown>,
    version,
    created_at: existing?.created_at ?? now,
    updated_at: now,
  };
}

/**
 * Duplicate key ids within one import (Kratos would store both copies; a login could then match either).
 * @returns one `duplicate` issue per repeated id, at its pointer
 */
export function duplicateKeyIssues(
  body: WebAuthnImportConfig | null | undefined,
  type: "webauthn" | "passkey",
): ValidationIssue[] {
  const seen = new Set<string>();
  const issues: ValidationIssue[] = [];
  (body?.credentials ?? []).forEach((key, i) => {
    if (seen.has(key.id)) {
      issues.push({
        pointer: `/credentials/${type}/config/credentials/${i}/id`,
        code: "duplicate",
        message: "The same credential id appears more than once in this import.",
      });
    }
    seen.add(key.id);
  });
  return issues;
}

import type { DerivedRecoveryAddress, DerivedVerifiableAddress, Extraction } from "../addresses/extract.js";
import { gracefulNormalization } from "../addresses/normalize.js";
import type { Credential, CredentialsMap, RecoveryAddress, VerifiableAddress } from "../identity/identity.js";

/** Ids and clock the writer needs. */
export interface WriteContext {
  now: string;
  newId: () => string;
}

/**
 * Persister-time address normalisation (Kratos `normalizeVerifiableAddresses`, spec 1.3): graceful value,
 * `via` defaulting to email, `status` defaulting from `verified`, `verified_at` set or cleared. Reused records
 * keep their id and `created_at`; a record whose content changed gets `updated_at` now.
 */
export function finalizeVerifiable(
  addresses: readonly DerivedVerifiableAddress[],
  ctx: WriteContext,
): VerifiableAddress[] {
  return addresses.map((a) => {
    const verified = a.verified === true;
    const out: VerifiableAddress = {
      id: a.id ?? ctx.newId(),
      value: gracefulNormalization(a.value),
      verified,
      via: a.via || "email",
      status: a.status || (verified ? "completed" : "pending"),
      created_at: a.created_at ?? ctx.now,
      updated_at: a.updated_at ?? ctx.now,
    };
    if (verified) out.verified_at = a.verified_at || ctx.now;
    return out;
  });
}

export function finalizeRecovery(
  addresses: readonly DerivedRecoveryAddress[],
  ctx: WriteContext,
): RecoveryAddress[] {
  return addresses.map((a) => {
    const out: RecoveryAddress = {
      id: a.id ?? ctx.newId(),
      value: gracefulNormalization(a.value),
      via: a.via || "email",
      created_at: a.created_at ?? ctx.now,
      updated_at: a.updated_at ?? ctx.now,
    };
    if (a.break_glass_for_organization) out.break_glass_for_organization = a.break_glass_for_organization;
    return out;
  });
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Puts the identifiers a validation run derived onto the credentials (spec 2.3): password, webauthn and code
 * identifiers are replaced wholesale by the run's list; a credential is created (empty config) when the identity
 * lacks it; a type the run did not visit keeps its identifiers.
 */
export function applyIdentifiers(
  credentials: CredentialsMap,
  extraction: Extraction,
  now: string,
): CredentialsMap {
  const out: CredentialsMap = { ...credentials };
  for (const type of ["password", "webauthn", "code"] as const) {
    const identifiers = extraction.identifiers[type];
    if (identifiers === undefined) continue;
    const existing = out[type];
    const cred: Credential = existing
      ? { ...existing }
      : { type, identifiers: [], config: {}, version: 1, created_at: now, updated_at: now };
    if (type === "code") {
      cred.config = { addresses: extraction.codeAddresses ?? [] };
    }
    if (!sameList(cred.identifiers, identifiers)) {
      cred.identifiers = [...identifiers];
      cred.updated_at = now;
    }
    if (type !== "code") cred.version = Math.max(cred.version, 1);
    out[type] = cred;
  }
  return out;
}

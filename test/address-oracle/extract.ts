// Frozen copy of src/addresses/extract.ts as of commit ef03307 (before the ASCII fast paths of issue 9): the oracle
// that test/address-fast-path.test.ts compares the current code with. Do not edit.
import type { ValidationIssue } from "../../src/errors/index.js";
import type { ExtensionHit } from "../../src/identity/extension.js";
import type {
  AddressVia,
  CodeAddress,
  RecoveryAddress,
  VerifiableAddress,
} from "../../src/identity/identity.js";
import { AddressIndex, addressKey, memoize, sortByUtf8 } from "./address-index.js";
import { isEmailFormat } from "./formats.js";
import {
  gracefulNormalization,
  normalizeEmailIdentifier,
  normalizeEmailStrict,
  normalizePhoneStrict,
} from "./normalize.js";

/** A verifiable address as derived from traits: reused records keep their id and state, new ones have none. */
export type DerivedVerifiableAddress = Omit<VerifiableAddress, "id" | "created_at" | "updated_at"> &
  Partial<Pick<VerifiableAddress, "id" | "created_at" | "updated_at">>;
export type DerivedRecoveryAddress = Omit<RecoveryAddress, "id" | "created_at" | "updated_at"> &
  Partial<Pick<RecoveryAddress, "id" | "created_at" | "updated_at">>;

/** What the `ory.sh/kratos` extension derived from one validation run (spec 2.3). */
export interface Extraction {
  /** Identifiers per credential type; a type is present only when the run visited a value flagged for it. */
  identifiers: { password?: string[]; webauthn?: string[]; code?: string[] };
  /** `code` credential addresses, sorted by address then channel (present with `identifiers.code`). */
  codeAddresses?: CodeAddress[];
  verifiableAddresses: DerivedVerifiableAddress[];
  recoveryAddresses: DerivedRecoveryAddress[];
  totpAccountName?: string;
  passkeyDisplayName?: string;
  issues: ValidationIssue[];
}

/** Addresses the identity already has (stored ones on update, imported ones on create): reused when they match. */
export interface ExistingAddresses {
  verifiable: readonly VerifiableAddress[] | readonly DerivedVerifiableAddress[];
  recovery: readonly RecoveryAddress[] | readonly DerivedRecoveryAddress[];
}

/**
 * Caps on what one extraction may derive (see `IdentityLimits`); a value past a cap stops the run with an issue
 * at its pointer. Absent caps are unbounded.
 */
export interface ExtractionLimits {
  /** Most identifiers per credential type; `code` counts (address, channel) pairs. */
  maxIdentifiers?: number;
  maxVerifiableAddresses?: number;
  maxRecoveryAddresses?: number;
}

const str = (v: unknown): string => (typeof v === "string" ? v : v === null ? "" : String(v));
const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const asciiOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Thrown inside a run when a cap is passed; the issue is already recorded. */
class CapReached extends Error {}

/**
 * Runs Kratos's three extension runners (credentials, verification, recovery) over the values a validation run
 * met, in visiting order. Normalisation errors become issues at the value's pointer, in Kratos's words.
 *
 * Linear in the hits and the existing addresses: de-duplication and reuse go through maps keyed by (via,
 * normalised value), and each distinct string is normalised once per call.
 */
export function extractFromHits(
  hits: readonly ExtensionHit[],
  existing: ExistingAddresses,
  limits: ExtractionLimits = {},
): Extraction {
  const out: Extraction = { identifiers: {}, verifiableAddresses: [], recoveryAddresses: [], issues: [] };
  const issue = (pointer: string, code: string, message: string, context?: Record<string, unknown>) =>
    out.issues.push(context === undefined ? { pointer, code, message } : { pointer, code, message, context });
  const graceful = memoize(gracefulNormalization);
  const identifierSets: { password?: Set<string>; webauthn?: Set<string> } = {};
  const codeAddresses = new Map<string, CodeAddress>();
  const verifiableKeys = new Set<string>();
  const recoveryKeys = new Set<string>();
  const reusedVerifiable = new Set<object>();
  const reusedRecovery = new Set<object>();
  const storedVerifiable = new AddressIndex(
    existing.verifiable as readonly DerivedVerifiableAddress[],
    graceful,
  );
  const storedRecovery = new AddressIndex(existing.recovery as readonly DerivedRecoveryAddress[], graceful);
  const maxIdentifiers = limits.maxIdentifiers ?? Number.POSITIVE_INFINITY;
  const overCap = (size: number, max: number | undefined, pointer: string, what: string, name: string) => {
    if (max === undefined || size < max) return;
    issue(pointer, "too_many", `An identity may have at most ${max} ${what}; this value would be one more.`, {
      limit: name,
      maximum: max,
    });
    throw new CapReached();
  };

  try {
    for (const hit of hits) visit(hit);
  } catch (e) {
    if (!(e instanceof CapReached)) throw e;
  }

  for (const type of ["password", "webauthn"] as const) {
    const set = identifierSets[type];
    if (set) out.identifiers[type] = [...set];
  }
  if (out.identifiers.code) {
    const sorted = sortByUtf8(
      [...codeAddresses.values()],
      (a) => a.address,
      (a, b) => asciiOrder(a.channel, b.channel),
    );
    out.codeAddresses = sorted;
    out.identifiers.code = [...new Set(sorted.map((a) => a.address))];
  }
  return out;

  function visit(hit: ExtensionHit): void {
    const { extension: ext, pointer, format } = hit;
    const raw = str(hit.value);
    const creds = ext.credentials;
    for (const type of ["password", "webauthn"] as const) {
      if (creds?.[type]?.identifier !== true) continue;
      identifierSets[type] ??= new Set();
      const set = identifierSets[type];
      const identifier = graceful(raw);
      if (identifier === "" || set.has(identifier)) continue;
      overCap(set.size, maxIdentifiers, pointer, `${type} identifiers`, "maxIdentifiers");
      set.add(identifier);
    }
    if (creds?.code?.identifier === true) {
      out.identifiers.code ??= [];
      const via = creds.code.via ?? "email";
      try {
        const address =
          via === "sms"
            ? normalizePhoneStrict(raw)
            : format !== undefined && format !== "" && format !== "email"
              ? graceful(raw)
              : normalizeEmailStrict(raw);
        const key = addressKey(via, address);
        if (!codeAddresses.has(key)) {
          overCap(codeAddresses.size, maxIdentifiers, pointer, "code identifiers", "maxIdentifiers");
          codeAddresses.set(key, { channel: via, address });
        }
      } catch (e) {
        if (e instanceof CapReached) throw e;
        issue(pointer, "code_identifier", errorText(e));
      }
    }
    if (creds?.totp?.account_name === true) out.totpAccountName = raw;
    if (creds?.passkey?.display_name === true && out.passkeyDisplayName === undefined && raw !== "") {
      out.passkeyDisplayName = raw;
    }
    if (ext.verification?.via) verification(ext.verification.via, raw, format, pointer);
    if (ext.recovery?.via) recovery(ext.recovery.via, raw, format, pointer);
  }

  function verification(via: AddressVia, raw: string, format: string | undefined, pointer: string): void {
    let effective = format ?? "";
    if (effective === "") {
      if (via === "sms") {
        issue(
          pointer,
          "format",
          'no format specified. A format is required if verification is enabled. If this was intentional, please set "format" to "no-validate"',
        );
        return;
      }
      if (!isEmailFormat(raw)) {
        issue(pointer, "format", `${JSON.stringify(raw)} is not valid "email"`);
        return;
      }
      effective = "email";
    }
    let value: string;
    if (effective === "email" || effective === "tel") {
      try {
        value = via === "sms" ? normalizePhoneStrict(raw) : normalizeEmailStrict(raw);
      } catch {
        issue(pointer, "format", `${JSON.stringify(raw)} can not be normalized for format "${effective}"`);
        return;
      }
    } else {
      value = raw.trim();
    }
    const key = addressKey(via, value);
    if (verifiableKeys.has(key)) return;
    const found = storedVerifiable.get(via, graceful(value));
    if (found && reusedVerifiable.has(found)) return;
    const max = limits.maxVerifiableAddresses;
    overCap(out.verifiableAddresses.length, max, pointer, "verifiable addresses", "maxVerifiableAddresses");
    verifiableKeys.add(key);
    if (found) reusedVerifiable.add(found);
    out.verifiableAddresses.push(found ?? { value, verified: false, via, status: "pending" });
  }

  function recovery(via: AddressVia, raw: string, format: string | undefined, pointer: string): void {
    let value: string;
    if (via === "email") {
      if ((format === undefined || format === "" || format === "email") && !isEmailFormat(raw)) {
        issue(pointer, "format", `${JSON.stringify(raw)} is not valid "email"`);
        return;
      }
      value = normalizeEmailIdentifier(raw);
    } else if (via === "sms") {
      try {
        value = normalizePhoneStrict(raw);
      } catch {
        issue(pointer, "format", `${JSON.stringify(raw)} is not valid "tel" for "sms"`);
        return;
      }
    } else {
      issue(pointer, "recovery_via", `recovery.via has unknown value ${JSON.stringify(via)}`);
      return;
    }
    const key = addressKey(via, value);
    if (recoveryKeys.has(key)) return;
    const found = storedRecovery.get(via, graceful(value));
    if (found && reusedRecovery.has(found)) return;
    const max = limits.maxRecoveryAddresses;
    overCap(out.recoveryAddresses.length, max, pointer, "recovery addresses", "maxRecoveryAddresses");
    recoveryKeys.add(key);
    if (found) reusedRecovery.add(found);
    out.recoveryAddresses.push(found ?? { value, via });
  }
}

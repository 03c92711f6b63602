import type { ValidationIssue } from "../errors/index.js";
import type { AddressVia, CodeAddress, RecoveryAddress, VerifiableAddress } from "../identity/identity.js";
import type { ExtensionHit } from "../schema/kratos-extension.js";
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

const str = (v: unknown): string => (typeof v === "string" ? v : v === null ? "" : String(v));
const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

function pushUnique(list: string[], value: string): void {
  if (value !== "" && !list.includes(value)) list.push(value);
}

function reuse<T extends { value: string; via: AddressVia }>(
  existing: readonly T[],
  value: string,
  via: AddressVia,
) {
  const wanted = gracefulNormalization(value);
  return existing.find((a) => (a.via || "email") === via && gracefulNormalization(a.value) === wanted);
}

/**
 * Runs Kratos's three extension runners (credentials, verification, recovery) over the values a validation run
 * met, in visiting order. Normalisation errors become issues at the value's pointer, in Kratos's words.
 */
export function extractFromHits(hits: readonly ExtensionHit[], existing: ExistingAddresses): Extraction {
  const out: Extraction = { identifiers: {}, verifiableAddresses: [], recoveryAddresses: [], issues: [] };
  const issue = (pointer: string, code: string, message: string) =>
    out.issues.push({ pointer, code, message });
  const codeAddresses: CodeAddress[] = [];

  for (const hit of hits) {
    const { extension: ext, pointer, format } = hit;
    const raw = str(hit.value);
    const creds = ext.credentials;
    for (const type of ["password", "webauthn"] as const) {
      if (creds?.[type]?.identifier !== true) continue;
      out.identifiers[type] ??= [];
      pushUnique(out.identifiers[type], gracefulNormalization(raw));
    }
    if (creds?.code?.identifier === true) {
      out.identifiers.code ??= [];
      const via = creds.code.via ?? "email";
      try {
        const address =
          via === "sms"
            ? normalizePhoneStrict(raw)
            : format !== undefined && format !== "" && format !== "email"
              ? gracefulNormalization(raw)
              : normalizeEmailStrict(raw);
        if (!codeAddresses.some((a) => a.address === address && a.channel === via)) {
          codeAddresses.push({ channel: via, address });
        }
      } catch (e) {
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

  if (out.identifiers.code) {
    codeAddresses.sort((a, b) => cmp(a.address, b.address) || cmp(a.channel, b.channel));
    out.codeAddresses = codeAddresses;
    out.identifiers.code = [...new Set(codeAddresses.map((a) => a.address))];
  }
  return out;

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
    if (out.verifiableAddresses.some((a) => a.via === via && a.value === value)) return;
    const found = reuse(existing.verifiable as readonly DerivedVerifiableAddress[], value, via);
    if (found && out.verifiableAddresses.includes(found)) return;
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
    if (out.recoveryAddresses.some((a) => a.via === via && a.value === value)) return;
    const found = reuse(existing.recovery as readonly DerivedRecoveryAddress[], value, via);
    if (found && out.recoveryAddresses.includes(found)) return;
    out.recoveryAddresses.push(found ?? { value, via });
  }
}

function cmp(a: string, b: string): number {
  // Byte order of UTF-8 equals code point order.
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return Buffer.compare(x, y);
}

import type { ValidationIssue } from "../errors/index.js";
import type { ExtensionHit } from "../identity/extension.js";
import type { AddressVia, CodeAddress, RecoveryAddress, VerifiableAddress } from "../identity/identity.js";
import { appended } from "../json/arrays.js";
import { AddressIndex, AddressKeys, DistinctValues, sortByUtf8 } from "./address-index.js";
import { isEmailFormat } from "./formats.js";
import { FormsCache } from "./forms.js";

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

/**
 * The string a trait value stands for: `String(v)`, `""` for null. A JSON object whose own `toString` (and
 * `valueOf`) is data, not a function (`{"toString": 0}`), makes String() throw; it reads as any other object.
 */
function str(v: unknown): string {
  if (typeof v === "string") return v;
  if (v === null) return "";
  try {
    return String(v);
  } catch {
    return Object.prototype.toString.call(v);
  }
}
const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const asciiOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const byAddress = (a: CodeAddress): string => a.address;
const byChannel = (a: CodeAddress, b: CodeAddress): number => asciiOrder(a.channel, b.channel);

/** Thrown inside a run when a cap is passed; the issue is already recorded. */
class CapReached extends Error {}

/**
 * Runs Kratos's three extension runners (credentials, verification, recovery) over the values a validation run
 * met, in visiting order. Normalisation errors become issues at the value's pointer, in Kratos's words.
 *
 * Linear in the hits and the existing addresses: de-duplication and reuse go through maps keyed by (via,
 * normalised value), and each distinct string is normalised once per call (per normalisation).
 */
export function extractFromHits(
  hits: readonly ExtensionHit[],
  existing: ExistingAddresses,
  limits: ExtractionLimits = {},
): Extraction {
  return new ExtractionRun(existing, limits).run(hits);
}

class ExtractionRun {
  readonly out: Extraction = { identifiers: {}, verifiableAddresses: [], recoveryAddresses: [], issues: [] };
  readonly limits: ExtractionLimits;
  readonly maxIdentifiers: number;
  readonly forms = new FormsCache();
  readonly storedVerifiable: AddressIndex<DerivedVerifiableAddress>;
  readonly storedRecovery: AddressIndex<DerivedRecoveryAddress>;
  // Made on first use (most identities need few of them: a run allocates only what its hits use).
  password: DistinctValues<string> | undefined;
  webauthn: DistinctValues<string> | undefined;
  codeKeys: AddressKeys | undefined;
  codeAddresses: CodeAddress[] = [];
  verifiableKeys: AddressKeys | undefined;
  recoveryKeys: AddressKeys | undefined;
  reusedVerifiable: DistinctValues<object> | undefined;
  reusedRecovery: DistinctValues<object> | undefined;

  constructor(existing: ExistingAddresses, limits: ExtractionLimits) {
    this.limits = limits;
    this.maxIdentifiers = limits.maxIdentifiers ?? Number.POSITIVE_INFINITY;
    // The indexes normalise and map their records on their first lookup, and only if they have any.
    const forms = this.forms;
    const graceful = (value: string): string => forms.of(value).graceful();
    this.storedVerifiable = new AddressIndex(
      existing.verifiable as readonly DerivedVerifiableAddress[],
      graceful,
    );
    this.storedRecovery = new AddressIndex(existing.recovery as readonly DerivedRecoveryAddress[], graceful);
  }

  run(hits: readonly ExtensionHit[]): Extraction {
    const out = this.out;
    try {
      for (const hit of hits) this.visit(hit);
    } catch (e) {
      if (!(e instanceof CapReached)) throw e;
    }
    if (this.password) out.identifiers.password = this.password.list;
    if (this.webauthn) out.identifiers.webauthn = this.webauthn.list;
    if (out.identifiers.code) {
      const sorted = sortByUtf8(this.codeAddresses, byAddress, byChannel);
      out.codeAddresses = sorted;
      out.identifiers.code =
        sorted.length === 1 ? [(sorted[0] as CodeAddress).address] : [...new Set(sorted.map(byAddress))];
    }
    return out;
  }

  issue(pointer: string, code: string, message: string, context?: Record<string, unknown>): void {
    this.out.issues.push(
      context === undefined ? { pointer, code, message } : { pointer, code, message, context },
    );
  }

  overCap(size: number, max: number | undefined, pointer: string, what: string, name: string): void {
    if (max === undefined || size < max) return;
    const message = `An identity may have at most ${max} ${what}; this value would be one more.`;
    this.issue(pointer, "too_many", message, { limit: name, maximum: max });
    throw new CapReached();
  }

  identifier(set: DistinctValues<string>, type: string, raw: string, pointer: string): void {
    const identifier = this.forms.of(raw).graceful();
    if (identifier === "" || set.has(identifier)) return;
    this.overCap(set.list.length, this.maxIdentifiers, pointer, `${type} identifiers`, "maxIdentifiers");
    set.add(identifier);
  }

  visit(hit: ExtensionHit): void {
    const { extension: ext, pointer, format } = hit;
    const out = this.out;
    const raw = str(hit.value);
    const creds = ext.credentials;
    if (creds?.password?.identifier === true) {
      this.password ??= new DistinctValues();
      this.identifier(this.password, "password", raw, pointer);
    }
    if (creds?.webauthn?.identifier === true) {
      this.webauthn ??= new DistinctValues();
      this.identifier(this.webauthn, "webauthn", raw, pointer);
    }
    if (creds?.code?.identifier === true) {
      out.identifiers.code ??= [];
      const via = creds.code.via ?? "email";
      try {
        const address =
          via === "sms"
            ? this.forms.of(raw).strictPhone()
            : format !== undefined && format !== "" && format !== "email"
              ? this.forms.of(raw).graceful()
              : this.forms.of(raw).strictEmail();
        this.codeKeys ??= new AddressKeys();
        if (!this.codeKeys.has(via, address)) {
          const size = this.codeAddresses.length;
          this.overCap(size, this.maxIdentifiers, pointer, "code identifiers", "maxIdentifiers");
          this.codeKeys.add(via, address);
          this.codeAddresses.push({ channel: via, address });
        }
      } catch (e) {
        if (e instanceof CapReached) throw e;
        this.issue(pointer, "code_identifier", errorText(e));
      }
    }
    if (creds?.totp?.account_name === true) out.totpAccountName = raw;
    if (creds?.passkey?.display_name === true && out.passkeyDisplayName === undefined && raw !== "") {
      out.passkeyDisplayName = raw;
    }
    if (ext.verification?.via) this.verification(ext.verification.via, raw, format, pointer);
    if (ext.recovery?.via) this.recovery(ext.recovery.via, raw, format, pointer);
  }

  verification(via: AddressVia, raw: string, format: string | undefined, pointer: string): void {
    let effective = format ?? "";
    if (effective === "") {
      if (via === "sms") {
        this.issue(
          pointer,
          "format",
          'no format specified. A format is required if verification is enabled. If this was intentional, please set "format" to "no-validate"',
        );
        return;
      }
      if (!isEmailFormat(raw)) {
        this.issue(pointer, "format", `${JSON.stringify(raw)} is not valid "email"`);
        return;
      }
      effective = "email";
    }
    let value: string;
    if (effective === "email" || effective === "tel") {
      try {
        value = via === "sms" ? this.forms.of(raw).strictPhone() : this.forms.of(raw).strictEmail();
      } catch {
        const message = `${JSON.stringify(raw)} can not be normalized for format "${effective}"`;
        this.issue(pointer, "format", message);
        return;
      }
    } else {
      value = raw.trim();
    }
    this.verifiableKeys ??= new AddressKeys();
    if (this.verifiableKeys.has(via, value)) return;
    const found = this.storedVerifiable.find(via, value);
    if (found) {
      this.reusedVerifiable ??= new DistinctValues<object>();
      if (this.reusedVerifiable.has(found)) return;
    }
    const max = this.limits.maxVerifiableAddresses;
    const size = this.out.verifiableAddresses.length;
    this.overCap(size, max, pointer, "verifiable addresses", "maxVerifiableAddresses");
    this.verifiableKeys.add(via, value);
    if (found) this.reusedVerifiable?.add(found);
    const address = found ?? { value, verified: false, via, status: "pending" as const };
    this.out.verifiableAddresses = appended(this.out.verifiableAddresses, address);
  }

  recovery(via: AddressVia, raw: string, format: string | undefined, pointer: string): void {
    let value: string;
    if (via === "email") {
      if ((format === undefined || format === "" || format === "email") && !isEmailFormat(raw)) {
        this.issue(pointer, "format", `${JSON.stringify(raw)} is not valid "email"`);
        return;
      }
      value = this.forms.of(raw).canonical();
    } else if (via === "sms") {
      try {
        value = this.forms.of(raw).strictPhone();
      } catch {
        this.issue(pointer, "format", `${JSON.stringify(raw)} is not valid "tel" for "sms"`);
        return;
      }
    } else {
      this.issue(pointer, "recovery_via", `recovery.via has unknown value ${JSON.stringify(via)}`);
      return;
    }
    this.recoveryKeys ??= new AddressKeys();
    if (this.recoveryKeys.has(via, value)) return;
    const found = this.storedRecovery.find(via, value);
    if (found) {
      this.reusedRecovery ??= new DistinctValues<object>();
      if (this.reusedRecovery.has(found)) return;
    }
    const max = this.limits.maxRecoveryAddresses;
    const size = this.out.recoveryAddresses.length;
    this.overCap(size, max, pointer, "recovery addresses", "maxRecoveryAddresses");
    this.recoveryKeys.add(via, value);
    if (found) this.reusedRecovery?.add(found);
    this.out.recoveryAddresses = appended(this.out.recoveryAddresses, found ?? { value, via });
  }
}

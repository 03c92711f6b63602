import { ERROR_CODES, HTTP_STATUS_TEXT, type IdentityErrorCode } from "./codes.js";

/** One problem found in a payload or in traits, located by an RFC 6901 JSON Pointer rooted at the identity. */
export interface ValidationIssue {
  /** RFC 6901 pointer, e.g. `/traits/email`; `""` is the whole document. */
  pointer: string;
  /** Machine-readable kind of problem, e.g. `format`, `required`, `unrecognized_key`. */
  code: string;
  /** Human-readable text, in Kratos's words where Kratos has them. */
  message: string;
  /** Extra facts about the issue (the keyword's params, the schema location...). */
  context?: Record<string, unknown>;
}

export interface IdentityErrorDetails {
  issues?: ValidationIssue[];
  [key: string]: unknown;
}

export interface IdentityErrorOptions {
  /** Overrides the code's default message. */
  message?: string;
  /** Kratos's `reason`: the specific explanation of what went wrong. */
  reason?: string;
  details?: IdentityErrorDetails;
  cause?: unknown;
}

/** Kratos's (ory/herodot) error envelope. `id` is our code, `code` the HTTP status. */
export interface KratosErrorEnvelope {
  error: {
    id: IdentityErrorCode;
    code: number;
    status: string;
    reason?: string;
    message: string;
    details?: IdentityErrorDetails;
  };
}

const BRAND = Symbol.for("idkit.IdentityError");

/**
 * The one error family idkit throws. Branch on `code` (stable) or use {@link isIdentityError}.
 *
 * @example
 * ```ts
 * try { await idm.createIdentity(body) }
 * catch (e) { if (isIdentityError(e)) return Response.json(e.toJSON(), { status: e.status }) }
 * ```
 */
export class IdentityError extends Error {
  override name = "IdentityError";
  readonly code: IdentityErrorCode;
  readonly status: number;
  readonly reason: string | undefined;
  readonly details: IdentityErrorDetails | undefined;
  /** @internal brand checked by isIdentityError, survives duplicate ESM/CJS copies. */
  readonly [BRAND] = true;

  constructor(code: IdentityErrorCode, options: IdentityErrorOptions = {}) {
    super(
      options.message ?? ERROR_CODES[code].message,
      options.cause === undefined ? {} : { cause: options.cause },
    );
    this.code = code;
    this.status = ERROR_CODES[code].status;
    this.reason = options.reason;
    this.details = options.details;
  }

  /** Validation issues, if any (shorthand for `details?.issues ?? []`). */
  get issues(): ValidationIssue[] {
    return this.details?.issues ?? [];
  }

  /** Kratos's error envelope: `{ error: { id, code, status, reason, message, details } }`. */
  toJSON(): KratosErrorEnvelope {
    const error = {
      id: this.code,
      code: this.status,
      status: HTTP_STATUS_TEXT[this.status] ?? String(this.status),
    } as KratosErrorEnvelope["error"];
    if (this.reason !== undefined) error.reason = this.reason;
    error.message = this.message;
    if (this.details !== undefined) error.details = this.details;
    return { error };
  }
}

/** A payload, traits or policy failure (`validation_failed`, 400); `issues` say where. */
export class ValidationError extends IdentityError {
  override name = "ValidationError";
  constructor(issues: ValidationIssue[], options: Omit<IdentityErrorOptions, "details"> = {}) {
    super("validation_failed", {
      ...options,
      reason:
        options.reason ??
        issues.map((i) => (i.pointer ? `${i.pointer}: ${i.message}` : i.message)).join("; "),
      details: { issues },
    });
  }
}

/** The identity (or a credential of it) does not exist. */
export class NotFoundError extends IdentityError {
  override name = "NotFoundError";
}

/** A uniqueness rule of the store was hit (`identity_conflict`, 409). */
export class ConflictError extends IdentityError {
  override name = "ConflictError";
  constructor(options: IdentityErrorOptions = {}) {
    super("identity_conflict", options);
  }
}

/** The storage adapter failed (`storage_error`, 500); `cause` holds the driver's error. */
export class StorageError extends IdentityError {
  override name = "StorageError";
  constructor(options: IdentityErrorOptions = {}) {
    super("storage_error", options);
  }
}

/**
 * True when `e` is an idkit error (optionally with the given code). Works across the ESM and CJS copies of the
 * package because it checks a global-symbol brand, not `instanceof`.
 */
export function isIdentityError(e: unknown, code?: IdentityErrorCode): e is IdentityError {
  if (typeof e !== "object" || e === null) return false;
  try {
    if ((e as Record<symbol, unknown>)[BRAND] !== true) return false;
    return code === undefined || (e as IdentityError).code === code;
  } catch {
    return false; // a proxy whose traps throw is no IdentityError
  }
}

/** Escapes one reference token for an RFC 6901 JSON Pointer. */
export function escapePointerToken(token: string | number): string {
  return String(token).replace(/~/g, "~0").replace(/\//g, "~1");
}

/** Builds an RFC 6901 pointer from path segments. */
export function toPointer(path: ReadonlyArray<string | number>): string {
  return path.map((t) => `/${escapePointerToken(t)}`).join("");
}

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

  /** @throws IdentityError `invalid_configuration` when `code` is not one of {@link ERROR_CODES}. */
  constructor(code: IdentityErrorCode, options: IdentityErrorOptions = {}) {
    const o = readOptions(options);
    const known = typeof code === "string" && Object.hasOwn(ERROR_CODES, code);
    super(
      known ? (o.message ?? ERROR_CODES[code].message) : "",
      o.cause === undefined ? {} : { cause: o.cause },
    );
    if (!known) {
      throw new IdentityError("invalid_configuration", {
        reason: "An IdentityError needs a code of ERROR_CODES.",
      });
    }
    this.code = code;
    this.status = ERROR_CODES[code].status;
    this.reason = o.reason;
    this.details = o.details;
    logHeadedStack(this, new.target);
  }

  /** `IdentityError [code]: message — reason`, what a log line needs (the envelope is {@link toJSON}). */
  override toString(): string {
    const reason = this.reason === undefined ? "" : ` — ${this.reason}`;
    return `${this.name} [${this.code}]: ${this.message}${reason}`;
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

/** The call stack of each error, captured at construction and formatted when first read. */
const TRACES = new WeakMap<object, { stack?: string }>();

/**
 * Logs show the stack's first line: it reads {@link IdentityError.toString} (code and reason), not only the
 * generic message (`message` stays Kratos's envelope text; the stack never reaches a client). The stack stays
 * lazy, as V8 keeps any error's: the trace is captured here, formatted on first read by the prototype's `stack`
 * accessor below. (Rewriting `stack` in the constructor would format one for every error thrown — failed logins
 * and per-item import errors included — at about ten times the cost of the error.)
 */
function logHeadedStack(error: IdentityError, target: abstract new (...args: never[]) => unknown): void {
  if (typeof Error.captureStackTrace !== "function") return;
  const trace: { stack?: string } = {};
  Error.captureStackTrace(trace, target);
  TRACES.set(error, trace);
  delete (error as { stack?: string }).stack; // V8's own property, unformatted: the prototype's accessor answers
}

Object.defineProperty(IdentityError.prototype, "stack", {
  configurable: true,
  enumerable: false,
  get(this: IdentityError): string | undefined {
    const trace = TRACES.get(this);
    if (trace === undefined) return undefined;
    const frames = trace.stack ?? "";
    const lineEnd = frames.indexOf("\n");
    const stack = this.toString() + (lineEnd < 0 ? "" : frames.slice(lineEnd));
    Object.defineProperty(this, "stack", { value: stack, writable: true, configurable: true });
    return stack;
  },
  set(this: IdentityError, value: unknown) {
    Object.defineProperty(this, "stack", { value, writable: true, configurable: true });
  },
});

// The bundler renames a class that refers to itself (`class _IdentityError`), which Node's inspector would print
// (`_IdentityError [IdentityError]: ...`); the constructor keeps its source name.
Object.defineProperty(IdentityError, "name", { value: "IdentityError" });

/** Most issues one error carries (a payload with more problems reports the first ones). */
const MAX_ISSUES = 100;

/** The options of an error, read once and typed (hostile values are dropped, never thrown on). */
function readOptions(options: unknown): IdentityErrorOptions {
  const out: IdentityErrorOptions = {};
  try {
    if (options === null || typeof options !== "object") return out;
    const { message, reason, details, cause } = options as Record<string, unknown>;
    if (typeof message === "string") out.message = message;
    if (typeof reason === "string") out.reason = reason;
    if (details !== null && typeof details === "object") out.details = details as IdentityErrorDetails;
    if (cause !== undefined) out.cause = cause;
  } catch {
    // a throwing getter or a revoked proxy: the defaults stand
  }
  return out;
}

/** Issues as plain `{ pointer, code, message, context? }` records, at most {@link MAX_ISSUES}. */
function issueList(issues: unknown): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  try {
    if (!Array.isArray(issues)) return out;
    const n = Math.min(issues.length, MAX_ISSUES);
    for (let i = 0; i < n; i++) {
      const raw = issues[i] as Partial<ValidationIssue> | undefined;
      if (raw === null || typeof raw !== "object") continue;
      const issue: ValidationIssue = {
        pointer: typeof raw.pointer === "string" ? raw.pointer : "",
        code: typeof raw.code === "string" ? raw.code : "invalid",
        message: typeof raw.message === "string" ? raw.message : "",
      };
      if (raw.context !== null && typeof raw.context === "object") issue.context = raw.context;
      out.push(issue);
    }
  } catch {
    // as above
  }
  return out;
}

/** A payload, traits or policy failure (`validation_failed`, 400); `issues` say where. */
export class ValidationError extends IdentityError {
  override name = "ValidationError";
  constructor(issues: ValidationIssue[], options: Omit<IdentityErrorOptions, "details"> = {}) {
    const list = issueList(issues);
    const o = readOptions(options);
    super("validation_failed", {
      ...o,
      reason: o.reason ?? list.map((i) => (i.pointer ? `${i.pointer}: ${i.message}` : i.message)).join("; "),
      details: { issues: list },
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

  /**
   * A `storage_error` whose `reason` is the adapter's own advice to the operator, in its own words (e.g. "run
   * `await storage.migrate()` first"): the manager passes it on as it is, where any other adapter failure gets a
   * generic reason. The reason MUST NOT carry driver text (it reaches clients); put the driver's error on `cause`.
   */
  static hint(reason: string, cause?: unknown): StorageError {
    const error = new StorageError({ reason, ...(cause === undefined ? {} : { cause }) });
    HINTS.add(error);
    return error;
  }
}

const HINTS = new WeakSet<object>();

/** True for an error made by {@link StorageError.hint} (the manager passes those on unchanged). */
export function isStorageHint(error: unknown): boolean {
  return typeof error === "object" && error !== null && HINTS.has(error);
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
  const text = typeof token === "string" ? token : typeof token === "number" ? String(token) : "";
  return text.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** Most tokens {@link toPointer} joins (JSON documents here nest at most 256 levels). */
const MAX_POINTER_TOKENS = 1024;

/**
 * Builds an RFC 6901 pointer from path segments.
 * @throws ValidationError `validation_failed` for anything but an array of at most 1024 segments.
 */
export function toPointer(path: ReadonlyArray<string | number>): string {
  let ok = false;
  try {
    ok = Array.isArray(path) && path.length <= MAX_POINTER_TOKENS;
  } catch {
    // a revoked proxy
  }
  if (!ok) {
    throw new ValidationError([
      {
        pointer: "",
        code: "invalid_type",
        message: `expected an array of at most ${MAX_POINTER_TOKENS} segments`,
      },
    ]);
  }
  let out = "";
  try {
    for (let i = 0; i < path.length; i++) out += `/${escapePointerToken(path[i] as string | number)}`;
  } catch {
    // a proxy whose traps throw
    throw new ValidationError([
      { pointer: "", code: "invalid_type", message: "the segments could not be read" },
    ]);
  }
  return out;
}

import { IdentityError, type IdentityManager, isIdentityError } from "../index.js";

/** What `authorize` may answer: allow (`true`), refuse with 401 (`false`), or a response sent as is. */
export type AuthorizeResult = boolean | Response;

/** Options of {@link createAdminHandler}; an unknown option is `invalid_configuration`. */
export interface AdminHandlerOptions {
  /**
   * Path prefix the handler is mounted under, e.g. `"/kratos"` (no trailing slash). Requests outside it get 404.
   * @default ""
   */
  basePath?: string;
  /**
   * Most bytes of a request body, a positive integer. A larger body is refused with 413 before it is parsed: a
   * `Content-Length` over the limit before reading anything, a body without one (or with a false one) as soon as
   * its bytes pass the limit. @default 1048576 (1 MiB)
   */
  bodyLimit?: number;
  /**
   * Decides whether a request may proceed, before any other work (routing aside, before the body is read): `true`
   * lets it through, `false` (or anything but `true` or a `Response`) answers 401 in Kratos's envelope, a `Response`
   * (a 403, a 401 with `WWW-Authenticate`...) is sent as is. A throw or rejection answers 500 (the error is given
   * to `onError`). It must not read the request's body. The health routes are not subject to it.
   * @default every request is allowed
   */
  authorize?: (request: Request) => AuthorizeResult | Promise<AuthorizeResult>;
  /**
   * Absolute URL this handler is reachable at, `basePath` included (e.g. `"https://admin.example.org/kratos"`):
   * the base of the `Location` header of `POST /admin/identities`. @default none: `Location` is the relative
   *   reference `<basePath>/admin/identities/<id>` (never built from the request's Host header)
   */
  baseUrl?: string;
  /**
   * Told about every 5xx answer: the error a route threw (its `cause` holds a driver's error). For logging; its
   * result is ignored and a throw is swallowed. @default none
   */
  onError?: (error: unknown, request: Request) => void;
}

/** The options, checked and defaulted. */
export interface ResolvedOptions {
  basePath: string;
  bodyLimit: number;
  authorize: AdminHandlerOptions["authorize"];
  baseUrl: string | undefined;
  onError: AdminHandlerOptions["onError"];
}

const KEYS = ["basePath", "bodyLimit", "authorize", "baseUrl", "onError"] as const;
/** The facade methods the routes call. */
const METHODS = [
  "createIdentity",
  "batchPatchIdentities",
  "getIdentity",
  "getIdentityByExternalId",
  "listIdentities",
  "updateIdentity",
  "patchIdentity",
  "deleteIdentity",
  "deleteCredential",
  "createRecoveryLink",
  "createRecoveryCode",
] as const;

function invalid(reason: string, cause?: unknown): IdentityError {
  return new IdentityError("invalid_configuration", { reason, ...(cause === undefined ? {} : { cause }) });
}

/** @throws IdentityError `invalid_configuration` when `idm` lacks a facade method or cannot be read. */
export function checkManager(idm: unknown): IdentityManager<unknown> {
  try {
    if (idm === null || typeof idm !== "object") throw invalid("createAdminHandler needs an IdentityManager");
    const schemas = (idm as { schemas?: unknown }).schemas;
    const missing = METHODS.find((m) => typeof (idm as Record<string, unknown>)[m] !== "function");
    if (missing !== undefined || schemas === null || typeof schemas !== "object") {
      throw invalid(`createAdminHandler needs an IdentityManager (${missing ?? "schemas"} is missing)`);
    }
  } catch (e) {
    if (isIdentityError(e)) throw e;
    throw invalid("createAdminHandler: the IdentityManager could not be read", e);
  }
  return idm as IdentityManager<unknown>;
}

function readMembers(options: unknown): Partial<Record<(typeof KEYS)[number], unknown>> {
  if (options === undefined) return {};
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw invalid("createAdminHandler options must be an object");
  }
  const out: Partial<Record<(typeof KEYS)[number], unknown>> = {};
  try {
    const unknown = Object.keys(options).find((k) => !(KEYS as readonly string[]).includes(k));
    if (unknown !== undefined) throw invalid(`createAdminHandler options.${unknown}: unknown option`);
    for (const key of KEYS) {
      const value = (options as Record<string, unknown>)[key];
      if (value !== undefined) out[key] = value;
    }
  } catch (e) {
    if (isIdentityError(e)) throw e;
    throw invalid("createAdminHandler options could not be read", e);
  }
  return out;
}

/**
 * Checks and defaults the options.
 * @throws IdentityError `invalid_configuration` naming the option.
 */
export function resolveOptions(options: unknown): ResolvedOptions {
  const o = readMembers(options);
  const basePath = o.basePath ?? "";
  if (typeof basePath !== "string" || (basePath !== "" && !/^(\/[A-Za-z0-9\-._~]+)+$/.test(basePath))) {
    throw invalid('basePath must be "" or a path such as "/kratos" (no trailing slash)');
  }
  const bodyLimit = o.bodyLimit ?? 1024 * 1024;
  if (typeof bodyLimit !== "number" || !Number.isSafeInteger(bodyLimit) || bodyLimit < 1) {
    throw invalid("bodyLimit must be a positive integer (bytes)");
  }
  for (const key of ["authorize", "onError"] as const) {
    if (o[key] !== undefined && typeof o[key] !== "function") throw invalid(`${key} must be a function`);
  }
  let baseUrl: string | undefined;
  if (o.baseUrl !== undefined) {
    let parsed: URL | undefined;
    try {
      parsed = typeof o.baseUrl === "string" ? new URL(o.baseUrl) : undefined;
    } catch {
      parsed = undefined;
    }
    if (parsed === undefined || (parsed.protocol !== "http:" && parsed.protocol !== "https:")) {
      throw invalid("baseUrl must be an absolute http(s) URL");
    }
    baseUrl = (o.baseUrl as string).replace(/\/+$/, "");
  }
  return {
    basePath,
    bodyLimit,
    authorize: o.authorize as ResolvedOptions["authorize"],
    baseUrl,
    onError: o.onError as ResolvedOptions["onError"],
  };
}

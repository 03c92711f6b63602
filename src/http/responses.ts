import { HTTP_STATUS_TEXT, isIdentityError, type KratosErrorEnvelope } from "../index.js";

/**
 * Responses of the admin handler: JSON bodies with Kratos's headers, and the error envelopes of the HTTP layer.
 *
 * Errors the library raises are answered with their `status` and `toJSON()` (Kratos's envelope, `id` = idkit's
 * code). Errors of the HTTP layer itself (no route, wrong method, body too large, refused authorization, anything
 * unexpected) are answered with ory/herodot's generic errors, which carry no `id`, exactly as Kratos writes them.
 */

/** The envelope of an error of the HTTP layer (ory/herodot's `DefaultError` in `{ error }`, no `id`). */
export interface HttpErrorEnvelope {
  error: {
    code: number;
    status: string;
    reason?: string;
    message: string;
  };
}

/** What every error response of the handler holds. */
export type AdminErrorEnvelope = KratosErrorEnvelope | HttpErrorEnvelope;

/** `Content-Type` of every JSON response (herodot's `JSONWriter`). */
export const JSON_CONTENT_TYPE = "application/json; charset=utf-8";

/** Go's `http.StatusText` for the statuses the HTTP layer answers with. */
const STATUS_TEXT: Readonly<Record<number, string>> = {
  ...HTTP_STATUS_TEXT,
  405: "Method Not Allowed",
  413: "Request Entity Too Large",
  503: "Service Unavailable",
};

/** herodot's default messages (`error_defaults.go`), plus Go's wording for the statuses herodot has none for. */
const HERODOT_MESSAGE: Readonly<Record<number, string>> = {
  401: "The request could not be authorized",
  404: "The requested resource could not be found",
  405: "The request method is not supported by the requested resource",
  413: "The request body is too large",
  500: "An internal server error occurred, please contact the system administrator",
};

/** A JSON response (`body` already serialised), with Kratos's content type and any extra headers. */
export function jsonResponse(status: number, text: string, headers?: Record<string, string>): Response {
  return new Response(text, { status, headers: { "content-type": JSON_CONTENT_TYPE, ...headers } });
}

/** An error of the HTTP layer, in herodot's envelope. */
export function httpError(status: number, reason?: string, headers?: Record<string, string>): Response {
  const text = STATUS_TEXT[status] ?? String(status);
  // Key order as herodot writes them: code, status, reason, message.
  const error: HttpErrorEnvelope["error"] = {
    code: status,
    status: text,
    ...(reason === undefined ? {} : { reason }),
    message: HERODOT_MESSAGE[status] ?? text,
  };
  return jsonResponse(status, JSON.stringify({ error }), headers);
}

/**
 * The response for anything a route threw: an `IdentityError` gives its status and `toJSON()`; anything else (a
 * bug, a hostile `idm`) gives herodot's generic 500 with no text of the error (no stack, no driver message).
 * `report` is told about every 5xx (it must not throw; if it does, the throw is swallowed).
 */
export function errorResponse(e: unknown, report: ((error: unknown) => void) | undefined): Response {
  let response: Response | undefined;
  if (isIdentityError(e)) {
    try {
      const envelope = e.toJSON();
      const status = envelope.error.code;
      if (Number.isInteger(status) && status >= 400 && status <= 599) {
        response = jsonResponse(status, JSON.stringify(envelope));
      }
    } catch {
      // a forged brand or a hostile subclass: answered as unexpected below
    }
  }
  response ??= httpError(500);
  if (response.status >= 500) notify(report, e);
  return response;
}

/** Tells `report` about `e`; a throw or a rejected promise of the host's logger is swallowed. */
export function notify(report: ((error: unknown) => unknown) | undefined, e: unknown): void {
  if (report === undefined) return;
  try {
    const result: unknown = report(e);
    if (result instanceof Promise) result.catch(() => {});
  } catch {
    // the host's logger failed: the client still gets its answer
  }
}

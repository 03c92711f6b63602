import type { Context } from "hono";
import { NotFoundError, ValidationError } from "../index.js";
import { readJsonBody } from "./body.js";
import { jsonResponse } from "./responses.js";
import type { Route, RouteDeps } from "./routes-identities.js";

/**
 * idkit's extension of Kratos's admin API for machine identities (`docs/http-api.md#api-keys-idkit-extension`):
 * API keys under `/admin/identities/{id}/api-keys`, each route one facade call. Kratos has no such routes (its
 * guide says machine users are "not implemented yet"). A key id of another identity than the path's is
 * `api_key_not_found` (404), so the path never reaches another identity's key.
 */

const json = (status: number, value: unknown, headers?: Record<string, string>) =>
  jsonResponse(status, JSON.stringify(value), headers);

const param = (c: Context, name: string) => c.req.param(name) ?? "";

/** The key `keyId`, only when it belongs to the identity of the path. @throws NotFoundError `api_key_not_found` */
async function ownKey(c: Context, { idm }: RouteDeps) {
  const key = await idm.getApiKey(param(c, "keyId"));
  if (key.identity_id !== param(c, "id").toLowerCase()) throw new NotFoundError("api_key_not_found");
  return key;
}

/** Where a key can be read. */
function location(deps: RouteDeps, identityId: string, keyId: string): string {
  const base = deps.options.baseUrl ?? deps.options.basePath;
  return `${base}/admin/identities/${encodeURIComponent(identityId)}/api-keys/${encodeURIComponent(keyId)}`;
}

/** A JSON object body, or `{}` when the request has none at all (no body, no `Content-Type`). */
async function optionalBody(c: Context, deps: RouteDeps): Promise<{ ok: true; value: unknown } | Response> {
  const raw = c.req.raw;
  if (raw.body === null && raw.headers.get("content-type") === null) return { ok: true, value: {} };
  const read = await readJsonBody(raw, deps.options.bodyLimit);
  return read.ok ? read : read.response;
}

export const API_KEY_ROUTES: readonly Route[] = [
  {
    method: "POST",
    path: "/identities/:id/api-keys",
    async handle(c, deps) {
      const read = await readJsonBody(c.req.raw, deps.options.bodyLimit);
      if (!read.ok) return read.response;
      const body = read.value;
      if (
        body !== null &&
        typeof body === "object" &&
        !Array.isArray(body) &&
        Object.hasOwn(body, "identity_id")
      ) {
        const message = "identity_id is taken from the path; leave it out of the body";
        throw new ValidationError([{ pointer: "/identity_id", code: "unrecognized_key", message }]);
      }
      const merged =
        body !== null && typeof body === "object" && !Array.isArray(body)
          ? { ...(body as object), identity_id: param(c, "id") }
          : body;
      const issued = await deps.idm.createApiKey(merged as never);
      return json(201, issued, { location: location(deps, issued.api_key.identity_id, issued.api_key.id) });
    },
  },
  {
    method: "GET",
    path: "/identities/:id/api-keys",
    handle: async (c, { idm }) => json(200, await idm.listApiKeys(param(c, "id"))),
  },
  {
    method: "GET",
    path: "/identities/:id/api-keys/:keyId",
    handle: async (c, deps) => json(200, await ownKey(c, deps)),
  },
  {
    method: "DELETE",
    path: "/identities/:id/api-keys/:keyId",
    async handle(c, deps) {
      const key = await ownKey(c, deps);
      return json(200, await deps.idm.revokeApiKey(key.id));
    },
  },
  {
    method: "POST",
    path: "/identities/:id/api-keys/:keyId/rotate",
    async handle(c, deps) {
      const key = await ownKey(c, deps);
      const read = await optionalBody(c, deps);
      if (read instanceof Response) return read;
      const issued = await deps.idm.rotateApiKey(key.id, read.value as never);
      return json(201, issued, { location: location(deps, issued.api_key.identity_id, issued.api_key.id) });
    },
  },
];

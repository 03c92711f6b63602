import type { Context } from "hono";
import type { CredentialsType, IdentityManager, JsonPatchOperation } from "../index.js";
import { readJsonBody } from "./body.js";
import type { ResolvedOptions } from "./options.js";
import { keysetLink, queryValues } from "./pagination.js";
import { includeCredentials, listQuery } from "./query.js";
import { jsonResponse } from "./responses.js";

/**
 * The identity routes of Kratos's admin API (`identity/handler.go`), each a thin call of one facade method: the
 * status codes, headers and bodies are Kratos's (201 + `Location` on create, 204 on deletes, the keyset `Link`
 * header on lists), the work and every error the library's.
 */

/** What a route needs: the facade and the handler's options. */
export interface RouteDeps {
  idm: IdentityManager<unknown>;
  options: ResolvedOptions;
}

/** A route: its method, its path under `/admin` (served with and without the prefix) and its handler. */
export interface Route {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  handle: (c: Context, deps: RouteDeps) => Promise<Response>;
}

const json = (status: number, value: unknown, headers?: Record<string, string>) =>
  jsonResponse(status, JSON.stringify(value), headers);

/** `include_credential` of a single-identity read. */
function readOptions(c: Context): { includeCredentials?: CredentialsType[] } {
  const values = queryValues(new URL(c.req.url));
  return values.has("include_credential") ? { includeCredentials: includeCredentials(values) } : {};
}

/** Reads the JSON body, or answers with the refusal. */
async function withBody(
  c: Context,
  deps: RouteDeps,
  then: (body: unknown) => Promise<Response>,
  allowed?: readonly string[],
): Promise<Response> {
  const read = await readJsonBody(c.req.raw, deps.options.bodyLimit, allowed);
  return read.ok ? then(read.value) : read.response;
}

/** Where the created identity can be read (Kratos: `SelfAdminURL` + `/identities/{id}`). */
function location(deps: RouteDeps, id: string): string {
  // Without a configured baseUrl the reference is relative (RFC 9110 §10.2.2 allows it): building it from the
  // request's Host header would let a client point it anywhere.
  return `${deps.options.baseUrl ?? deps.options.basePath}/admin/identities/${encodeURIComponent(id)}`;
}

export const IDENTITY_ROUTES: readonly Route[] = [
  {
    method: "GET",
    path: "/identities",
    async handle(c, { idm, options }) {
      const url = new URL(c.req.url);
      const { options: list, size, linkValues } = listQuery(queryValues(url));
      const page = await idm.listIdentities(list);
      // Kratos's admin router adds the /admin prefix before routing, so its links always carry it.
      const link = keysetLink(`${options.basePath}/admin/identities`, linkValues, size, page.nextPageToken);
      return json(200, page.identities, { link });
    },
  },
  {
    method: "POST",
    path: "/identities",
    handle: (c, deps) =>
      withBody(c, deps, async (body) => {
        const identity = await deps.idm.createIdentity(body as never);
        return json(201, identity, { location: location(deps, identity.id) });
      }),
  },
  {
    method: "PATCH",
    path: "/identities",
    handle: (c, deps) =>
      withBody(c, deps, async (body) => json(200, await deps.idm.batchPatchIdentities(body as never))),
  },
  {
    method: "GET",
    path: "/identities/by/external/:externalID",
    async handle(c, { idm }) {
      const options = readOptions(c);
      return json(200, await idm.getIdentityByExternalId(c.req.param("externalID") ?? "", options));
    },
  },
  {
    method: "GET",
    path: "/identities/:id",
    async handle(c, { idm }) {
      const options = readOptions(c);
      return json(200, await idm.getIdentity(c.req.param("id") ?? "", options));
    },
  },
  {
    method: "PUT",
    path: "/identities/:id",
    handle: (c, deps) =>
      withBody(c, deps, async (body) =>
        json(200, await deps.idm.updateIdentity(c.req.param("id") ?? "", body as never)),
      ),
  },
  {
    method: "PATCH",
    path: "/identities/:id",
    handle: (c, deps) =>
      withBody(
        c,
        deps,
        async (body) =>
          json(200, await deps.idm.patchIdentity(c.req.param("id") ?? "", body as JsonPatchOperation[])),
        ["application/json", "application/json-patch+json"],
      ),
  },
  {
    method: "DELETE",
    path: "/identities/:id",
    async handle(c, { idm }) {
      await idm.deleteIdentity(c.req.param("id") ?? "");
      return new Response(null, { status: 204 });
    },
  },
  {
    method: "DELETE",
    path: "/identities/:id/credentials/:type",
    async handle(c, { idm }) {
      const identifier = new URL(c.req.url).searchParams.get("identifier");
      await idm.deleteCredential(
        c.req.param("id") ?? "",
        (c.req.param("type") ?? "") as CredentialsType,
        identifier === null || identifier === "" ? {} : { identifier },
      );
      return new Response(null, { status: 204 });
    },
  },
];

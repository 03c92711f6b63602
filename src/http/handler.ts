import { Hono } from "hono";
import { IdentityError, type IdentityManager } from "../index.js";
import { type AdminHandlerOptions, checkManager, resolveOptions } from "./options.js";
import { errorResponse, httpError } from "./responses.js";
import { API_KEY_ROUTES } from "./routes-api-keys.js";
import { IDENTITY_ROUTES, type Route, type RouteDeps } from "./routes-identities.js";
import { HEALTH_ROUTES, RECOVERY_ROUTES, SCHEMA_ROUTES } from "./routes-other.js";

/** A Web-standard request handler: what Hono's `app.fetch`, Next.js route handlers, Bun and Deno expect. */
export type AdminHandler = (request: Request) => Promise<Response>;

/**
 * A `Request`, or one of another realm (a `vm` context, a polyfill): what Hono reads of it must be there. Read
 * defensively, so a hostile object is refused, never a TypeError.
 */
function isRequest(value: unknown): value is Request {
  try {
    if (value instanceof Request) return true;
    const r = value as Partial<Request> | null;
    return (
      typeof r === "object" &&
      r !== null &&
      typeof r.url === "string" &&
      typeof r.method === "string" &&
      typeof r.headers?.get === "function"
    );
  } catch {
    return false;
  }
}

/** The methods a path is served for, as Go's `ServeMux` lists them in `Allow` (sorted, `HEAD` with `GET`). */
function allowHeader(routes: readonly Route[], path: string): string {
  const methods = new Set(routes.filter((r) => r.path === path).map((r) => r.method as string));
  if (methods.has("GET")) methods.add("HEAD");
  return [...methods].sort().join(", ");
}

/**
 * Kratos's admin HTTP API over an {@link IdentityManager}, as a Web-standard handler built on Hono: identities
 * (create, batch, list, get, get by external id, update, JSON Patch, delete, delete a credential), recovery links
 * and codes, identity schemas and health checks, each at its Kratos path with and without the `/admin` prefix
 * (Kratos's admin port adds the prefix; its public port serves `/schemas` and `/health/*` without it), and
 * idkit's API key routes under `/admin/identities/{id}/api-keys` (machine identities, an extension). Status
 * codes, headers (`Location`, the keyset `Link`, `Cache-Control` on reads) and error envelopes are Kratos's; see
 * `docs/http-api.md` for the routes and where idkit deviates.
 *
 * An error the library raises is answered with its `status` and `toJSON()`; an unknown path gets 404, a known
 * path with another method 405 (with `Allow`), a body over `bodyLimit` 413, a body that is not `application/json`
 * or not JSON 400, anything unexpected a generic 500 without any text of the error.
 *
 * @example
 * ```ts
 * import { serve } from "@hono/node-server";
 * import { IdentityManager } from "idkit";
 * import { bearerAuthorizer, createAdminHandler } from "idkit/http";
 *
 * const handler = createAdminHandler(new IdentityManager(), {
 *   authorize: bearerAuthorizer(process.env.ADMIN_TOKEN), // constant time; throws when the token is unset
 * });
 * serve({ fetch: handler, port: 4434, hostname: "127.0.0.1" });
 * ```
 * @throws IdentityError `invalid_configuration` for an `idm` that is not an IdentityManager or an invalid or
 *   unknown option. The returned handler rejects with `invalid_configuration` when called with anything but a
 *   `Request`; for a `Request` it always resolves to a `Response`.
 */
export function createAdminHandler<T>(idm: IdentityManager<T>, options?: AdminHandlerOptions): AdminHandler {
  const deps: RouteDeps = { idm: checkManager(idm), options: resolveOptions(options) };
  const { basePath, authorize, onError } = deps.options;
  const app = new Hono();
  const paths = (path: string) => [`${basePath}/admin${path}`, `${basePath}${path}`];
  const register = (routes: readonly Route[]) => {
    for (const route of routes) {
      for (const path of paths(route.path)) {
        app.on(route.method, path, (c) => route.handle(c, deps));
      }
    }
  };

  // Health checks come first: load balancers and probes call them without credentials.
  register(HEALTH_ROUTES);
  if (authorize !== undefined) {
    app.use("*", async (c, next) => {
      const verdict = await authorize(c.req.raw);
      if (verdict instanceof Response) return verdict;
      if (verdict !== true) return httpError(401);
      await next();
      return undefined;
    });
  }
  const routes = [...IDENTITY_ROUTES, ...API_KEY_ROUTES, ...RECOVERY_ROUTES, ...SCHEMA_ROUTES];
  register(routes);
  const all = [...HEALTH_ROUTES, ...routes];
  for (const path of new Set(all.map((r) => r.path))) {
    const allow = allowHeader(all, path);
    for (const p of paths(path)) app.all(p, () => httpError(405, undefined, { allow }));
  }
  app.notFound(() => httpError(404));

  const report = (request: Request) =>
    onError === undefined ? undefined : (error: unknown) => onError(error, request);
  app.onError((e, c) => errorResponse(e, report(c.req.raw)));

  return async (request: Request) => {
    if (!isRequest(request)) {
      throw new IdentityError("invalid_configuration", {
        reason: "The admin handler must be called with a Request.",
      });
    }
    let response: Response;
    try {
      response = await app.fetch(request);
    } catch (e) {
      // Hono hands only Error instances to onError; anything else thrown lands here.
      response = errorResponse(e, report(request));
    }
    if (request.method === "GET") {
      try {
        // Kratos's NoCacheNegroni, on every GET (a Response from authorize may have immutable headers).
        response.headers.set("cache-control", "private, no-cache, no-store, must-revalidate");
      } catch {
        // left as the host made it
      }
    }
    return response;
  };
}

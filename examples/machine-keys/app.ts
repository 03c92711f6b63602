/**
 * An HTTP API whose callers are machines: each request carries an idkit API key (`Authorization: Bearer <key>`),
 * checked by a Hono middleware with `idm.authenticateApiKey`. Run it with `npm run example:machine-keys`; the
 * test test/api-keys-example.test.ts drives `createApp` in-process.
 *
 * - `GET /reports` needs a key with the scope `reports:read`.
 * - `POST /deployments` needs `deploy`.
 *
 * A malformed, unknown, wrong, expired or revoked key is 401 `invalid_credentials` (a mistyped key is refused
 * without touching the store), a disabled service account 401 `identity_disabled`, a missing scope 403
 * `insufficient_scope`: the error's own status and Kratos-style JSON envelope.
 */
import { Hono, type MiddlewareHandler } from "hono";
import { type ApiKey, type Identity, type IdentityManager, isIdentityError } from "idkit";

/** What the middleware leaves for the route: the caller's identity and key. */
type Machine = { Variables: { machine: Identity; apiKey: ApiKey } };

/** Authenticates the request's API key and requires `scopes` of it. */
export function requireApiKey(idm: IdentityManager, ...scopes: string[]): MiddlewareHandler<Machine> {
  return async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const key = header.startsWith("Bearer ") ? header.slice("Bearer ".length) : "";
    try {
      const { identity, api_key } = await idm.authenticateApiKey(key, { requiredScopes: scopes });
      c.set("machine", identity);
      c.set("apiKey", api_key);
    } catch (error) {
      if (!isIdentityError(error)) throw error;
      const headers: Record<string, string> =
        error.status === 401 ? { "www-authenticate": 'Bearer realm="api"' } : {};
      return c.json(error.toJSON(), error.status as 401 | 403, headers);
    }
    await next();
    return undefined;
  };
}

/** The API: two routes, each behind the key check with its scope. */
export function createApp(idm: IdentityManager): Hono<Machine> {
  const app = new Hono<Machine>();
  app.get("/reports", requireApiKey(idm, "reports:read"), (c) =>
    c.json({ reports: [], requested_by: c.get("machine").traits, key: c.get("apiKey").name }),
  );
  app.post("/deployments", requireApiKey(idm, "deploy"), (c) =>
    c.json({ deployed: true, by: c.get("machine").id }, 201),
  );
  return app;
}

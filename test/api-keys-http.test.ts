// The admin handler's API key routes (idkit's extension under /admin/identities/{id}/api-keys) and the machine-keys
// example's middleware: statuses, bodies, Location, and keys of another identity hidden behind 404.
import { describe, expect, it } from "vitest";
import { createApp } from "../examples/machine-keys/app.js";
import { createAdminHandler } from "../src/http/index.js";
import type { ApiKey, IdentityManager, IssuedApiKey } from "../src/index.js";
import { manager } from "./helpers.js";

async function setup() {
  const idm = manager() as unknown as IdentityManager;
  const handler = createAdminHandler(idm);
  const send = async (method: string, path: string, body?: unknown) => {
    const init: RequestInit = { method };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers = { "content-type": "application/json" };
    }
    const res = await handler(new Request(`http://localhost${path}`, init));
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text === "" ? undefined : JSON.parse(text) };
  };
  const account = await idm.createIdentity({ schema_id: "preset://machine", traits: { name: "svc" } });
  return { idm, send, account };
}

describe("admin API key routes", () => {
  it("create (201 + Location), list, get, rotate, revoke; the key is only in the create and rotate answers", async () => {
    const { idm, send, account } = await setup();
    const base = `/admin/identities/${account.id}/api-keys`;
    const created = await send("POST", base, { name: "ci", scopes: ["deploy"], expires_in: "24h" });
    expect(created.status).toBe(201);
    const issued = created.body as IssuedApiKey;
    expect(created.headers.get("location")).toBe(`${base}/${issued.api_key.id}`);
    expect(issued.api_key).toMatchObject({ identity_id: account.id, name: "ci", scopes: ["deploy"] });
    expect(JSON.stringify(issued.api_key)).not.toMatch(/digest/);
    const listed = await send("GET", base);
    expect([listed.status, listed.body]).toEqual([200, [issued.api_key]]);
    expect((await send("GET", `${base}/${issued.api_key.id}`)).body).toEqual(issued.api_key);
    expect(JSON.stringify((await send("GET", `${base}/${issued.api_key.id}`)).body)).not.toContain(
      issued.key,
    );
    const rotated = await send("POST", `${base}/${issued.api_key.id}/rotate`, { grace: "5m" });
    expect(rotated.status).toBe(201);
    const next = rotated.body as IssuedApiKey;
    expect((await idm.authenticateApiKey(issued.key)).api_key.id).toBe(issued.api_key.id);
    const revoked = await send("DELETE", `${base}/${next.api_key.id}`);
    expect(revoked.status).toBe(200);
    expect((revoked.body as ApiKey).revoked_at).not.toBeNull();
    expect((await idm.authenticateApiKey(next.key).catch((e) => e)).code).toBe("invalid_credentials");
    const again = await send("POST", `${base}/${issued.api_key.id}/rotate`);
    expect(again.status).toBe(400); // a key is rotated once (a retry must not make a second successor)
    const other = await idm.createApiKey({ identity_id: account.id, name: "other" });
    const noBody = await send("POST", `${base}/${other.api_key.id}/rotate`);
    expect(noBody.status).toBe(201); // grace defaults to 0s
    expect((await idm.authenticateApiKey(other.key).catch((e) => e)).code).toBe("invalid_credentials");
  });

  it("errors: another identity's key is 404, identity_id in the body 400, unknown identity 404, bad bodies 400", async () => {
    const { idm, send, account } = await setup();
    const other = await idm.createIdentity({ schema_id: "preset://machine", traits: { name: "other" } });
    const { api_key } = await idm.createApiKey({ identity_id: other.id, name: "theirs" });
    const mine = `/admin/identities/${account.id}/api-keys`;
    for (const [method, path] of [
      ["GET", `${mine}/${api_key.id}`],
      ["DELETE", `${mine}/${api_key.id}`],
      ["POST", `${mine}/${api_key.id}/rotate`],
      ["GET", `${mine}/not-a-key-id`],
    ] as const) {
      const res = await send(method, path, method === "POST" ? {} : undefined);
      expect([res.status, res.body.error.id], `${method} ${path}`).toEqual([404, "api_key_not_found"]);
    }
    expect((await idm.getApiKey(api_key.id)).revoked_at).toBeNull();
    const withId = await send("POST", mine, { name: "x", identity_id: other.id });
    expect([withId.status, withId.body.error.details.issues[0].pointer]).toEqual([400, "/identity_id"]);
    const unknown = await send("POST", "/admin/identities/00000000-0000-4000-8000-000000000000/api-keys", {
      name: "x",
    });
    expect([unknown.status, unknown.body.error.id]).toEqual([404, "identity_not_found"]);
    expect((await send("GET", "/admin/identities/nope/api-keys")).status).toBe(404);
    for (const body of [
      [],
      "x",
      null,
      { name: 5 },
      { name: "x", scopes: "a" },
      { name: "x", expires_in: "soon" },
    ]) {
      const res = await send("POST", mine, body);
      expect([res.status, res.body.error.id]).toEqual([400, "validation_failed"]);
    }
    expect((await send("PUT", mine)).status).toBe(405);
  });
});

describe("examples/machine-keys", () => {
  it("401 without or with a mistyped key (WWW-Authenticate), 403 without the scope, 200/201 with it", async () => {
    const idm = manager() as unknown as IdentityManager;
    const app = createApp(idm);
    const account = await idm.createIdentity({
      schema_id: "preset://machine",
      traits: { name: "bot", owner: "me" },
    });
    const { key } = await idm.createApiKey({ identity_id: account.id, name: "r", scopes: ["reports:read"] });
    const auth = (k: string) => ({ headers: { authorization: `Bearer ${k}` } });
    const none = await app.request("/reports");
    expect([none.status, none.headers.get("www-authenticate")]).toEqual([401, 'Bearer realm="api"']);
    // One character changed (never to itself: a key ending in "x" stays a different key).
    const mistyped = `${key.slice(0, -1)}${key.endsWith("x") ? "y" : "x"}`;
    expect((await app.request("/reports", auth(mistyped))).status).toBe(401);
    expect((await app.request("/reports", auth(key))).status).toBe(200);
    const denied = await app.request("/deployments", { method: "POST", ...auth(key) });
    expect([denied.status, ((await denied.json()) as { error: { id: string } }).error.id]).toEqual([
      403,
      "insufficient_scope",
    ]);
    const deployer = await idm.createApiKey({ identity_id: account.id, name: "d", scopes: ["deploy"] });
    expect((await app.request("/deployments", { method: "POST", ...auth(deployer.key) })).status).toBe(201);
  });
});

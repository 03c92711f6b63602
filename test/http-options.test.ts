// createAdminHandler's options (checked like every option of the library), authorization before any work,
// mounting under a prefix, and what a client sees when something unexpected fails: no stack, no driver text.
import { describe, expect, it } from "vitest";
import { createAdminHandler } from "../src/http/index.js";
import { type IdentityError, IdentityManager, isIdentityError, MemoryStorage } from "../src/index.js";
import { FAST_HASHING, manager, rejection } from "./helpers.js";
import { type ErrorBody, failure, startServer } from "./http-server.js";

const json = { "content-type": "application/json" };
const createBody = (email: string) => JSON.stringify({ traits: { email } });

describe("options", () => {
  it("unknown, mistyped or unreadable options and a non-IdentityManager are invalid_configuration", () => {
    const idm = manager();
    const bad: unknown[] = [
      null,
      5,
      [],
      { basepath: "/x" },
      { basePath: "x" },
      { basePath: "/x/" },
      { basePath: 5 },
      { bodyLimit: 0 },
      { bodyLimit: 1.5 },
      { bodyLimit: "1mb" },
      { authorize: true },
      { onError: "log" },
      { baseUrl: "not a url" },
      { baseUrl: "ftp://x.test" },
      new Proxy(
        {},
        {
          ownKeys() {
            throw new Error("trap");
          },
        },
      ),
    ];
    for (const [i, options] of bad.entries()) {
      let thrown: unknown;
      try {
        createAdminHandler(idm, options as never);
      } catch (e) {
        thrown = e;
      }
      expect(isIdentityError(thrown, "invalid_configuration"), `options #${i}`).toBe(true);
    }
    for (const notAManager of [undefined, null, {}, { getIdentity() {} }, "idm"]) {
      expect(() => createAdminHandler(notAManager as never)).toThrow(
        expect.objectContaining({ code: "invalid_configuration" }),
      );
    }
    expect(() =>
      createAdminHandler(idm, { basePath: "/kratos/admin-api", bodyLimit: 10, baseUrl: "https://x.test/k" }),
    ).not.toThrow();
  });

  it("the handler rejects with invalid_configuration when called with anything but a Request", async () => {
    const handler = createAdminHandler(manager());
    for (const value of [undefined, "http://h.test/health/alive", { url: "http://h.test/health/alive" }]) {
      const e = await rejection(handler(value as never));
      expect(isIdentityError(e, "invalid_configuration")).toBe(true);
    }
  });

  it("basePath mounts every route under a prefix; outside it is 404; baseUrl is the base of Location", async () => {
    const handler = createAdminHandler(manager(), {
      basePath: "/kratos",
      baseUrl: "https://admin.example.org/kratos/",
    });
    const created = await handler(
      new Request("http://h.test/kratos/admin/identities", {
        method: "POST",
        headers: json,
        body: createBody("m@example.org"),
      }),
    );
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    expect(created.headers.get("location")).toBe(`https://admin.example.org/kratos/admin/identities/${id}`);
    expect((await handler(new Request(`http://h.test/kratos/identities/${id}`))).status).toBe(200);
    expect((await handler(new Request("http://h.test/kratos/health/alive"))).status).toBe(200);
    const list = await handler(new Request("http://h.test/kratos/identities"));
    expect(list.headers.get("link")).toMatch(/^<\/kratos\/admin\/identities\?/);
    for (const path of [`/admin/identities/${id}`, "/health/alive", "/kratosx/health/alive"]) {
      expect((await handler(new Request(`http://h.test${path}`))).status, path).toBe(404);
    }
  });
});

describe("authorize", () => {
  const guarded = () => {
    const seen: boolean[] = [];
    const idm = manager({ storage: new MemoryStorage() });
    const authorize = (request: Request) => {
      seen.push(request.bodyUsed);
      const auth = request.headers.get("authorization");
      if (auth === "Bearer forbidden") return new Response("nope", { status: 403 });
      if (auth === "Bearer throws") throw new Error("the token service is down: password=hunter2");
      return Promise.resolve(auth === "Bearer s3cret");
    };
    return { idm, seen, authorize };
  };

  it("false → 401 in herodot's envelope before the body is read, nothing written; true → through", async () => {
    const { idm, seen, authorize } = guarded();
    const s = await startServer(idm, { authorize });
    try {
      const refused = await failure(
        s.api.createIdentity({
          createIdentityBody: { schema_id: "default", traits: { email: "no@example.org" } },
        }),
      );
      expect(refused.status).toBe(401);
      expect(refused.data).toEqual({
        error: { code: 401, status: "Unauthorized", message: "The request could not be authorized" },
      });
      expect((await idm.listIdentities()).identities).toHaveLength(0);
      expect((await failure(s.api.listIdentities())).status).toBe(401);
      expect((await failure(s.api.getIdentity({ id: "nope" }))).status).toBe(401); // before routing's 404
      expect(seen.every((used) => used === false)).toBe(true);
    } finally {
      await s.close();
    }
    const s2 = await startServer(idm, { authorize }, { apiKey: "Bearer s3cret" });
    try {
      const created = await s2.api.createIdentity({
        createIdentityBody: { schema_id: "default", traits: { email: "yes@example.org" } },
      });
      expect(created.status).toBe(201);
      // Health checks are for probes: not subject to authorize.
      const anonymous = await fetch(`${s2.url}/health/ready`);
      expect(anonymous.status).toBe(200);
    } finally {
      await s2.close();
    }
  });

  it("a Response is sent as is; a throw is a generic 500 (no text of the error) told to onError", async () => {
    const { idm, authorize } = guarded();
    const errors: unknown[] = [];
    const handler = createAdminHandler(idm, { authorize, onError: (e) => errors.push(e) });
    const forbidden = await handler(
      new Request("http://h.test/admin/identities", { headers: { authorization: "Bearer forbidden" } }),
    );
    expect(forbidden.status).toBe(403);
    expect(await forbidden.text()).toBe("nope");
    const thrown = await handler(
      new Request("http://h.test/admin/identities", { headers: { authorization: "Bearer throws" } }),
    );
    expect(thrown.status).toBe(500);
    const text = await thrown.text();
    expect(JSON.parse(text)).toEqual({
      error: {
        code: 500,
        status: "Internal Server Error",
        message: "An internal server error occurred, please contact the system administrator",
      },
    });
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).message).toContain("hunter2");
  });
});

describe("failures: no stack or driver text reaches the client", () => {
  class Broken extends IdentityManager {
    override async getIdentity(): Promise<never> {
      throw new Error("ECONNREFUSED 10.0.0.5:5432 password=hunter2");
    }
    override async deleteIdentity(): Promise<never> {
      throw "a string, not an Error";
    }
  }

  it("a non-IdentityError (an Error or any thrown value) is herodot's generic 500, told to onError", async () => {
    const errors: unknown[] = [];
    const handler = createAdminHandler(new Broken({ hashing: FAST_HASHING }), {
      onError: (e) => {
        errors.push(e);
        throw new Error("the logger failed too");
      },
    });
    for (const [method, path] of [
      ["GET", "/admin/identities/00000000-0000-4000-8000-000000000000"],
      ["DELETE", "/admin/identities/00000000-0000-4000-8000-000000000000"],
    ] as const) {
      const res = await handler(new Request(`http://h.test${path}`, { method }));
      expect(res.status).toBe(500);
      const text = await res.text();
      expect(text).not.toMatch(/hunter2|ECONNREFUSED|string|at /);
      expect((JSON.parse(text) as ErrorBody).error.message).toBe(
        "An internal server error occurred, please contact the system administrator",
      );
    }
    expect(errors).toEqual([expect.any(Error), "a string, not an Error"]);
  });

  it("a failing store: storage_error's envelope (generic reason), and /health/ready answers 503", async () => {
    const storage = new MemoryStorage();
    const failing = new Proxy(storage, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver);
        if (key === "getIdentity" || key === "listIdentities") {
          return async () => {
            throw new Error("FATAL: password authentication failed for user admin");
          };
        }
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const errors: unknown[] = [];
    const handler = createAdminHandler(manager({ storage: failing }), { onError: (e) => errors.push(e) });
    const res = await handler(
      new Request("http://h.test/admin/identities/00000000-0000-4000-8000-000000000000"),
    );
    expect(res.status).toBe(500);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.id).toBe("storage_error");
    expect(JSON.stringify(body)).not.toContain("password authentication");
    const ready = await handler(new Request("http://h.test/health/ready"));
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({
      error: {
        code: 503,
        status: "Service Unavailable",
        message: "error may contain sensitive information and was obfuscated",
      },
    });
    expect((await handler(new Request("http://h.test/health/alive"))).status).toBe(200);
    expect(errors.map((e) => (e as IdentityError).code)).toEqual(["storage_error", "storage_error"]);
  });
});

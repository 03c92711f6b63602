// docs/integrations.md, run: the Hono wiring it shows (the Next.js route is the same Web-standard code) logs a user
// in with authenticatePassword, seals the session cookie with iron-session on the Response, and the admin API's
// authorize reads that cookie back. The blocks themselves are type-checked by `npm run check:docs`.
import { readFileSync } from "node:fs";
import { Hono } from "hono";
import { getIronSession, type SessionOptions } from "iron-session";
import { describe, expect, it } from "vitest";
import { createAdminHandler } from "../src/http/index.js";
import { isIdentityError } from "../src/index.js";
import { manager } from "./helpers.js";

interface SessionData {
  identityId?: string;
}
const sessionOptions: SessionOptions = {
  cookieName: "app_session",
  password: "a-session-password-of-at-least-32-characters",
  cookieOptions: { httpOnly: true, secure: true, sameSite: "lax", path: "/" },
};

describe("docs/integrations.md", () => {
  const doc = readFileSync(new URL("../docs/integrations.md", import.meta.url), "utf8");

  it("covers Express, Hono and Next.js with authenticatePassword, iron-session and createAdminHandler", () => {
    for (const heading of ["## Express", "## Hono", "## Next.js route handlers"])
      expect(doc).toContain(heading);
    expect(doc.match(/idm\.authenticatePassword\(/g)?.length).toBeGreaterThanOrEqual(3);
    expect(doc.match(/getIronSession<SessionData>/g)?.length).toBeGreaterThanOrEqual(6);
    expect(doc.match(/createAdminHandler\(idm/g)?.length).toBe(3);
  });

  it("the Hono wiring: login sets a sealed cookie, which the admin API's authorize accepts", async () => {
    const idm = manager();
    const ada = await idm.createIdentity({
      schema_id: "preset://email",
      traits: { email: "ada@example.org" },
      credentials: { password: { config: { password: "a sturdy passphrase 2026" } } },
    });
    const admins = new Set([ada.id]);
    const app = new Hono();
    const admin = createAdminHandler(idm, {
      basePath: "/admin-api",
      authorize: async (request) => {
        const session = await getIronSession<SessionData>(request, new Response(), sessionOptions);
        return session.identityId !== undefined && admins.has(session.identityId);
      },
    });
    app.all("/admin-api/*", (c) => admin(c.req.raw));
    app.post("/login", async (c) => {
      const input = (await c.req.json().catch(() => ({}))) as { identifier?: unknown; password?: unknown };
      try {
        const identity = await idm.authenticatePassword({
          identifier: input.identifier as string,
          password: input.password as string,
        });
        const response = Response.json({ id: identity.id });
        const session = await getIronSession<SessionData>(c.req.raw, response, sessionOptions);
        session.identityId = identity.id;
        await session.save();
        return response;
      } catch (e) {
        if (!isIdentityError(e)) throw e;
        return Response.json(e.toJSON(), { status: e.status });
      }
    });

    const login = (body: unknown) =>
      app.request("/login", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const wrong = await login({ identifier: "ada@example.org", password: "wrong password" });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("set-cookie")).toBeNull();
    expect((await login({ identifier: 42 })).status).toBe(400);

    const ok = await login({ identifier: "ADA@example.org", password: "a sturdy passphrase 2026" });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ id: ada.id });
    const cookie = ok.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^app_session=Fe26\.2\*/); // iron's sealed format, not the id in clear
    expect(cookie).not.toContain(ada.id);
    expect(cookie).toMatch(/HttpOnly/i);

    expect((await app.request(`/admin-api/admin/identities/${ada.id}`)).status).toBe(401);
    const read = await app.request(`/admin-api/admin/identities/${ada.id}`, {
      headers: { cookie: cookie.split(";")[0] as string },
    });
    expect(read.status).toBe(200);
    expect(((await read.json()) as { id: string }).id).toBe(ada.id);
  });
});

// Every route of idkit/http driven by Ory's own generated client (@ory/kratos-client) over a real socket; the
// client's typed responses equal what the library returns for the same identity.
import { readFileSync } from "node:fs";
import { hashSync } from "@node-rs/bcrypt";
import type { CreateIdentityBody, Identity } from "@ory/kratos-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryStorage, type StorageAdapter } from "../src/index.js";
import { identitySchema, manager, UUID } from "./helpers.js";
import { failure, startServer, type TestServer, wire } from "./http-server.js";
import { endPools, postgresTargets } from "./setup/postgres.js";

const webauthn = JSON.parse(
  readFileSync(new URL("fixtures/kratos-webauthn-import.json", import.meta.url), "utf8"),
);
const { cred1, cred2 } = webauthn.unit_import.keys;
const { user1 } = webauthn.unit_import.user_handles;

const SCHEMA = identitySchema({
  type: "object",
  properties: {
    email: {
      type: "string",
      format: "email",
      "ory.sh/kratos": {
        credentials: {
          password: { identifier: true },
          webauthn: { identifier: true },
          passkey: { display_name: true },
        },
        verification: { via: "email" },
        recovery: { via: "email" },
      },
    },
    name: { type: "string" },
  },
  required: ["email"],
});

// In memory, and on PostgreSQL (the real server when it answers, else PGlite).
const postgres = (await postgresTargets("test/http-client.test.ts")).at(-1) as [
  string,
  () => Promise<StorageAdapter>,
];
const targets: Array<[string, () => Promise<StorageAdapter>]> = [
  ["memory", async () => new MemoryStorage()],
  postgres,
];
afterAll(endPools);

const body = (email: string, extra: Partial<CreateIdentityBody> = {}): CreateIdentityBody => ({
  schema_id: "default",
  traits: { email },
  ...extra,
});
const tokenOf = (link: string) => new URL(link).searchParams.get("token") as string;

describe.each(targets)("on %s", (_, createStorage) => {
  let idm: ReturnType<typeof manager>;
  let s: TestServer;
  let storage: StorageAdapter;
  beforeAll(async () => {
    storage = await createStorage();
    idm = manager({ storage, schemas: { default: SCHEMA }, publicUrl: "https://auth.example.org" });
    s = await startServer(idm);
  });
  afterAll(async () => {
    await s.close();
    await storage.close?.();
  });

  describe("identities through @ory/kratos-client", () => {
    it("createIdentity: 201, Location, and the body the library returns for the same identity", async () => {
      const res = await s.api.createIdentity({
        createIdentityBody: body("create@example.org", { metadata_admin: { tier: 1 }, external_id: "ext-1" }),
      });
      expect(res.status).toBe(201);
      expect(res.headers.location).toBe(`/admin/identities/${res.data.id}`);
      expect(res.headers["content-type"]).toBe("application/json; charset=utf-8");
      expect(res.data.id).toMatch(UUID);
      expect(res.data).toEqual(wire(await idm.getIdentity(res.data.id)));
      const byExternal = await s.api.getIdentityByExternalID({ externalID: "ext-1" });
      expect(byExternal.data).toEqual(wire(await idm.getIdentityByExternalId("ext-1")));
      const odd = "ext/ü %2F?#&+";
      const other = await s.api.createIdentity({
        createIdentityBody: body("odd@example.org", { external_id: odd }),
      });
      const byOdd = await s.api.getIdentityByExternalID({ externalID: odd, includeCredential: ["password"] });
      expect(byOdd.data.id).toBe(other.data.id);
      expect(byOdd.data).toEqual(
        wire(await idm.getIdentityByExternalId(odd, { includeCredentials: ["password"] })),
      );
    });

    it("imports each credential kind: clear-text and hashed passwords, oidc, saml, totp, lookup secrets, webauthn, passkey", async () => {
      const clear = await s.api.createIdentity({
        createIdentityBody: body("clear@example.org", {
          credentials: { password: { config: { password: "a clear-text passphrase" } } },
        }),
      });
      const hashed = await s.api.createIdentity({
        createIdentityBody: body("hashed@example.org", {
          credentials: {
            password: { config: { hashed_password: hashSync("a hashed passphrase", { cost: 4 }) } },
          },
        }),
      });
      for (const [identifier, password, id] of [
        ["clear@example.org", "a clear-text passphrase", clear.data.id],
        ["HASHED@example.org", "a hashed passphrase", hashed.data.id],
      ] as const) {
        expect((await idm.authenticatePassword({ identifier, password })).id).toBe(id);
      }
      const social = await s.api.createIdentity({
        createIdentityBody: body("social@example.org", {
          credentials: {
            oidc: { config: { providers: [{ provider: "github", subject: "12345" }] } },
            saml: { config: { providers: [{ provider: "okta", subject: "u-1" }] } },
          },
        }),
      });
      expect((await idm.findIdentityByOidc({ provider: "github", subject: "12345" }))?.id).toBe(
        social.data.id,
      );
      // The client's types (v26) lag behind Kratos's import body: the other kinds go through as plain JSON.
      const more = await s.api.createIdentity({
        createIdentityBody: body("factors@example.org", {
          credentials: {
            totp: { config: { totp_url: "otpauth://totp/idkit:factors?secret=JBSWY3DPEHPK3PXP" } },
            lookup_secret: { config: { codes: [{ code: "aaaa-bbbb" }, { code: "cccc-dddd" }] } },
            webauthn: { config: { credentials: [cred1], user_handle: user1 } },
            passkey: { config: { credentials: [cred2], user_handle: user1 } },
          },
        } as Partial<CreateIdentityBody>),
      });
      const types = ["totp", "lookup_secret", "webauthn", "passkey"] as const;
      const got = await s.api.getIdentity({ id: more.data.id, includeCredential: [...types] });
      expect(got.data).toEqual(wire(await idm.getIdentity(more.data.id, { includeCredentials: [...types] })));
      expect(Object.keys(got.data.credentials ?? {})).toEqual(expect.arrayContaining([...types]));
      expect(got.data.credentials?.totp?.config).toEqual({
        totp_url: "otpauth://totp/idkit:factors?secret=JBSWY3DPEHPK3PXP",
      });
    });

    it("getIdentity with include_credential returns the password hash, as the library does", async () => {
      const { data } = await s.api.createIdentity({
        createIdentityBody: body("include@example.org", {
          credentials: { password: { config: { password: "another passphrase 1" } } },
        }),
      });
      const plain = await s.api.getIdentity({ id: data.id });
      expect(plain.data.credentials?.password?.config).toBeUndefined();
      expect(plain.data).toEqual(wire(await idm.getIdentity(data.id)));
      const res = await s.api.getIdentity({ id: data.id, includeCredential: ["password"] });
      expect(res.data.credentials?.password?.config).toEqual({
        hashed_password: expect.stringMatching(/^\$argon2id\$/),
      });
      expect(res.data).toEqual(wire(await idm.getIdentity(data.id, { includeCredentials: ["password"] })));
      expect(res.headers["cache-control"]).toBe("private, no-cache, no-store, must-revalidate");
    });

    it("batchPatchIdentities: per-entry results by patch_id", async () => {
      const P = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;
      const res = await s.api.batchPatchIdentities({
        patchIdentitiesBody: {
          identities: [
            { patch_id: P(1), create: body("batch-1@example.org") },
            { patch_id: P(2), create: body("create@example.org") },
            { patch_id: P(3), create: body("not an email") },
          ],
        },
      });
      expect(res.status).toBe(200);
      const [one, two, three] = res.data.identities ?? [];
      expect(one).toMatchObject({ action: "create", patch_id: P(1), identity: expect.stringMatching(UUID) });
      expect(two).toMatchObject({ action: "error", patch_id: P(2), error: { code: 409 } });
      expect(three).toMatchObject({ action: "error", patch_id: P(3), error: { code: 400 } });
      expect((await idm.getIdentity(one?.identity as string)).traits).toEqual({
        email: "batch-1@example.org",
      });
    });

    it("listIdentities across several pages by the Link header's rel=next, equal to the library's pages", async () => {
      for (let i = 0; i < 5; i++) await idm.createIdentity({ traits: { email: `page-${i}@example.org` } });
      const seen: Identity[] = [];
      let pageToken: string | undefined;
      let pages = 0;
      for (;;) {
        const res = await s.api.listIdentities({
          pageSize: 2,
          ...(pageToken === undefined ? {} : { pageToken }),
        });
        const lib = await idm.listIdentities({
          pageSize: 2,
          ...(pageToken === undefined ? {} : { pageToken }),
        });
        expect(res.data).toEqual(wire(lib.identities));
        expect(res.headers["x-total-count"]).toBeUndefined();
        const link = res.headers.link as string;
        expect(link.split(",")[0]).toBe(
          '</admin/identities?page_size=2&page_token=00000000-0000-0000-0000-000000000000>; rel="first"',
        );
        seen.push(...res.data);
        pages++;
        const next = /<([^>]*)>; rel="next"/.exec(link)?.[1];
        if (next === undefined) {
          expect(lib.nextPageToken).toBeUndefined();
          break;
        }
        expect(next).toBe(`/admin/identities?page_size=2&page_token=${lib.nextPageToken}`);
        pageToken = new URL(next, s.url).searchParams.get("page_token") as string;
      }
      expect(pages).toBeGreaterThanOrEqual(3);
      const all = await idm.listIdentities({ pageSize: 500 });
      expect(seen.map((i) => i.id)).toEqual(all.identities.map((i) => i.id));
    });

    it("listIdentities filters: ids, credentials_identifier, include_credential", async () => {
      const all = (await idm.listIdentities()).identities;
      const ids = all.slice(0, 2).map((i) => i.id);
      const byIds = await s.api.listIdentities({ ids });
      expect(byIds.data.map((i) => i.id)).toEqual(ids);
      const byIdentifier = await s.api.listIdentities({ credentialsIdentifier: "CLEAR@example.org" });
      expect(byIdentifier.data).toEqual(
        wire((await idm.listIdentities({ credentialsIdentifier: "CLEAR@example.org" })).identities),
      );
      expect(byIdentifier.data).toHaveLength(1);
      const org = "0196f2c4-0000-7000-8000-00000000000a";
      const member = await s.api.createIdentity({
        createIdentityBody: body("member@example.org", { organization_id: org }),
      });
      const byOrg = await s.api.listIdentities({ organizationId: org });
      expect(byOrg.data.map((i) => i.id)).toEqual([member.data.id]);
      expect(byOrg.data).toEqual(wire((await idm.listIdentities({ organizationId: org })).identities));
      const declassified = await s.api.listIdentities({ ids, includeCredential: ["password"] });
      expect(declassified.data).toEqual(
        wire((await idm.listIdentities({ ids, includeCredentials: ["password"] })).identities),
      );
    });

    it("updateIdentity (PUT) and patchIdentity (JSON Patch) return what the library then reads", async () => {
      const { data } = await s.api.createIdentity({ createIdentityBody: body("update@example.org") });
      const put = await s.api.updateIdentity({
        id: data.id,
        updateIdentityBody: {
          schema_id: "default",
          state: "active",
          traits: { email: "updated@example.org", name: "Ada" },
          metadata_public: { plan: "pro" },
        },
      });
      expect(put.status).toBe(200);
      expect(put.data).toEqual(wire(await idm.getIdentity(data.id)));
      expect(put.data.traits).toEqual({ email: "updated@example.org", name: "Ada" });
      const patched = await s.api.patchIdentity({
        id: data.id,
        jsonPatch: [
          { op: "replace", path: "/traits/name", value: "Grace" },
          { op: "replace", path: "/state", value: "inactive" },
        ],
      });
      expect(patched.data).toEqual(wire(await idm.getIdentity(data.id)));
      expect(patched.data).toMatchObject({ state: "inactive", traits: { name: "Grace" } });
    });

    it("deleteIdentityCredentials (204) and deleteIdentity (204, then 404)", async () => {
      const { data } = await s.api.createIdentity({
        createIdentityBody: body("delete@example.org", {
          credentials: {
            password: { config: { password: "yet another passphrase" } },
            oidc: { config: { providers: [{ provider: "google", subject: "g-1" }] } },
          },
        }),
      });
      const del = await s.api.deleteIdentityCredentials({
        id: data.id,
        type: "oidc",
        identifier: "google:g-1",
      });
      expect(del.status).toBe(204);
      expect(del.data).toBe("");
      // As in Kratos, the credential stays, without the link.
      expect((await idm.getIdentity(data.id)).credentials?.oidc?.identifiers).toEqual([]);
      const missing = await failure(s.api.deleteIdentityCredentials({ id: data.id, type: "totp" }));
      expect(missing.status).toBe(404);
      expect(missing.data.error.reason).toBe("You tried to remove a totp but this user have no totp set up.");
      expect((await s.api.deleteIdentity({ id: data.id })).status).toBe(204);
      const gone = await failure(s.api.getIdentity({ id: data.id }));
      expect(gone.status).toBe(404);
      expect(gone.data).toEqual({
        error: {
          id: "identity_not_found",
          code: 404,
          status: "Not Found",
          message: "Unable to locate the resource",
        },
      });
    });
  });

  describe("recovery, schemas and health through @ory/kratos-client", () => {
    it("createRecoveryLinkForIdentity (200) gives a link the library redeems", async () => {
      const { data } = await s.api.createIdentity({ createIdentityBody: body("invitee@example.org") });
      const res = await s.api.createRecoveryLinkForIdentity({
        createRecoveryLinkForIdentityBody: { identity_id: data.id, expires_in: "12h" },
      });
      expect(res.status).toBe(200);
      expect(res.data.recovery_link).toMatch(/^https:\/\/auth\.example\.org\/self-service\/recovery\?/);
      expect(Date.parse(res.data.expires_at as string) - Date.now()).toBeGreaterThan(11.9 * 3600_000);
      expect((await idm.redeemRecoveryLink(tokenOf(res.data.recovery_link))).id).toBe(data.id);
      const unknown = await failure(
        s.api.createRecoveryLinkForIdentity({
          createRecoveryLinkForIdentityBody: { identity_id: "00000000-0000-4000-8000-000000000000" },
        }),
      );
      expect(unknown.status).toBe(400);
      expect(unknown.data.error.reason).toBe("The requested identity id does not exist.");
    });

    it("createRecoveryCodeForIdentity (201) gives a code the library redeems; flow_type is accepted", async () => {
      const { data } = await s.api.createIdentity({ createIdentityBody: body("code@example.org") });
      const res = await s.api.createRecoveryCodeForIdentity({
        createRecoveryCodeForIdentityBody: { identity_id: data.id, expires_in: "15m", flow_type: "api" },
      });
      expect(res.status).toBe(201);
      expect(res.data.recovery_code).toMatch(/^\d{6}$/);
      const flowId = new URL(res.data.recovery_link).searchParams.get("flow") as string;
      // Deviation: the body also carries flow_id (the library's field); Kratos's has only the three the client types.
      expect((res.data as { flow_id?: string }).flow_id).toBe(flowId);
      const redeemed = await idm.redeemRecoveryCode({ flow_id: flowId, code: res.data.recovery_code });
      expect(redeemed.id).toBe(data.id);
      const missing = await failure(
        s.api.createRecoveryCodeForIdentity({
          createRecoveryCodeForIdentityBody: { identity_id: "00000000-0000-4000-8000-000000000000" },
        }),
      );
      expect(missing.status).toBe(404);
    });

    it("listIdentitySchemas and getIdentitySchema (by base64url id, as in schema_url, or by id)", async () => {
      const list = await s.api.listIdentitySchemas();
      expect(list.data.map((x) => x.id)).toEqual(idm.schemas.list().map((x) => x.id));
      expect(list.data.find((x) => x.id === "default")?.schema).toEqual(SCHEMA);
      expect(list.headers["x-total-count"]).toBe("3"); // preset://email, default, preset://machine
      const { data } = await s.api.createIdentity({ createIdentityBody: body("schema@example.org") });
      const byUrl = data.schema_url.split("/").pop() as string;
      expect((await s.api.getIdentitySchema({ id: byUrl })).data).toEqual(SCHEMA);
      expect((await s.api.getIdentitySchema({ id: "default" })).data).toEqual(SCHEMA);
      const missing = await failure(s.api.getIdentitySchema({ id: "nope" }));
      expect(missing.status).toBe(404);
      expect(missing.data.error).toMatchObject({
        code: 404,
        reason: "Identity schema `nope` could not be found.",
      });
    });

    it("isAlive and isReady", async () => {
      expect((await s.metadata.isAlive()).data).toEqual({ status: "ok" });
      expect((await s.metadata.isReady()).data).toEqual({ status: "ok" });
    });
  });
});

// JSON Patch protected paths (idkit issue 7, item 1): every path under /credentials/oidc and /credentials/saml, at
// any depth, through any op, in any case and escape spelling, is refused with Kratos's message and writes nothing.
// Kratos: identity/handler.go `patch` → jsonx.ApplyJSONPatch(..., "/id", "/stateChangedAt", "/credentials",
// "/credentials/oidc", "/credentials/oidc/**", "/credentials/saml", "/credentials/saml/**").
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { escapePointerToken, type IdentityManager } from "../src/index.js";
import { manager, rejection } from "./helpers.js";

let idm: IdentityManager;
let id: string;
const snapshot = async () =>
  JSON.stringify(await idm.getIdentity(id, { includeCredentials: ["password", "oidc", "saml"] }));

beforeAll(async () => {
  idm = manager();
  const created = await idm.createIdentity({
    traits: { email: "guarded@example.org" },
    credentials: {
      password: { config: { password: "a-long-and-unusual-password-1" } },
      oidc: { config: { providers: [{ provider: "google", subject: "victim-sub" }] } },
      saml: { config: { providers: [{ provider: "okta", subject: "victim-saml" }] } },
    },
  });
  id = created.id;
});

/** Expects the patch to be refused as a denied path and the stored identity to be unchanged. */
async function expectDenied(op: { op: string; path: string; from?: string; value?: unknown }): Promise<void> {
  const before = await snapshot();
  const e = await rejection(idm.patchIdentity(id, [op]));
  expect(e.code, op.path).toBe("invalid_patch");
  expect(e.status).toBe(400);
  expect(e.reason).toBe(`patch includes denied path: ${op.path}`);
  expect(e.message).toBe(`patch includes denied path: ${op.path}`);
  expect(await snapshot()).toBe(before);
}

const OPS = ["add", "remove", "replace", "move", "copy", "test"] as const;
/** A word with each letter in a random case (Kratos lowercases the path before matching). */
const anyCase = (word: string) =>
  fc
    .array(fc.boolean(), { minLength: word.length, maxLength: word.length })
    .map((upper) => [...word].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join(""));
/** One reference token, escapes included when it holds `~` or `/`. */
const token = fc
  .oneof(
    fc.string({ maxLength: 8 }),
    fc.constantFrom("0", "1", "-", "", "~", "/", "~0", "~1", "config", "providers", "subject", "identifiers"),
  )
  .map(escapePointerToken);

describe("JSON Patch: protected paths at every depth", () => {
  it("the paths of the issue are refused (oidc subject, identifiers, saml subject, organization)", async () => {
    for (const path of [
      "/credentials/oidc/config/providers/0/subject",
      "/credentials/oidc/identifiers/0",
      "/credentials/saml/config/providers/0/subject",
      "/credentials/oidc/config/providers/0/organization",
      "/credentials/saml/identifiers/-",
      "/credentials/oidc/config/providers/-",
    ]) {
      for (const op of OPS) await expectDenied({ op, path, value: "attacker" });
    }
    expect(await idm.findIdentityByOidc({ provider: "google", subject: "victim-sub" })).toBeDefined();
  });

  it("property: 0..10 levels under /credentials/{oidc,saml}, any op, any case, any escapes", async () => {
    await fc.assert(
      fc.asyncProperty(
        anyCase("credentials"),
        fc.oneof(anyCase("oidc"), anyCase("saml")),
        fc.array(token, { maxLength: 10 }),
        fc.constantFrom(...OPS),
        fc.jsonValue({ maxDepth: 2 }),
        async (credentials, type, rest, op, value) => {
          const path = `/${[credentials, type, ...rest].join("/")}`;
          await expectDenied(
            op === "move" || op === "copy" ? { op, from: "/traits", path } : { op, path, value },
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it("escaped and odd spellings: ~0 / ~1 in later tokens, case, trailing and empty tokens", async () => {
    for (const path of [
      "/credentials/oidc/config/providers/0/sub~0ject",
      "/credentials/oidc/config/providers/0/~1subject",
      "/credentials/oidc/a~1b/c~0d",
      "/credentials/saml/~0~1/~01",
      "/credentials/OIDC",
      "/Credentials/Oidc/config",
      "/CREDENTIALS/SAML/identifiers/0",
      "/credentials/oidc/",
      "/credentials/oidc//x",
      "/credentials/saml/config/providers/0/subject/",
      "/credentials",
      "/CREDENTIALS",
      "/ID",
      "/Schema_Url",
    ]) {
      for (const op of OPS) await expectDenied({ op, path, value: { subject: "attacker" } });
    }
  });

  it("paths that only look close to a protected one reach nothing protected and write nothing", async () => {
    // `/credentials//oidc` is the member "oidc" of a credential keyed "" (Kratos's glob does not deny it either):
    // it is refused as an unknown credential, and the oidc link is untouched.
    for (const path of ["/credentials//oidc", "/credentials/oidc~1x", "/credentials/%6fidc"]) {
      const before = await snapshot();
      const e = await rejection(
        idm.patchIdentity(id, [
          {
            op: "add",
            path,
            value: { type: "oidc", config: { providers: [{ provider: "google", subject: "x" }] } },
          },
        ]),
      );
      expect(["validation_failed", "invalid_patch"]).toContain(e.code);
      expect(await snapshot()).toBe(before);
    }
    expect(await idm.findIdentityByOidc({ provider: "google", subject: "x" })).toBeUndefined();
  });

  it("a value that mentions oidc under an allowed path is not a protected path", async () => {
    const patched = await idm.patchIdentity(id, [
      { op: "add", path: "/metadata_admin", value: { credentials: { oidc: { subject: "not-a-link" } } } },
    ]);
    expect(patched.metadata_admin).toEqual({ credentials: { oidc: { subject: "not-a-link" } } });
    expect(await idm.findIdentityByOidc({ provider: "google", subject: "not-a-link" })).toBeUndefined();
  });

  it("move, copy and test are refused: as a denied path when path or from is protected, else unsupported", async () => {
    for (const op of ["move", "copy", "test", "MOVE", ""]) {
      for (const [from, path, message] of [
        [
          "/credentials/oidc/config/providers/0/subject",
          "/metadata_admin/x",
          "patch includes denied path: /credentials/oidc/config/providers/0/subject",
        ],
        [
          "/traits",
          "/credentials/saml/identifiers/0",
          "patch includes denied path: /credentials/saml/identifiers/0",
        ],
        ["/traits", "/metadata_public", `unsupported operation: ${op}`],
      ] as const) {
        const before = await snapshot();
        const e = await rejection(idm.patchIdentity(id, [{ op, from, path, value: "x" }]));
        expect(e.code).toBe("invalid_patch");
        expect(e.message).toBe(message);
        expect(await snapshot()).toBe(before);
      }
    }
  });

  it("one denied operation refuses the whole patch, earlier allowed ones included", async () => {
    const before = await snapshot();
    const e = await rejection(
      idm.patchIdentity(id, [
        { op: "replace", path: "/metadata_public", value: { applied: true } },
        { op: "replace", path: "/credentials/saml/config/providers/0/subject", value: "attacker" },
      ]),
    );
    expect(e.message).toBe("patch includes denied path: /credentials/saml/config/providers/0/subject");
    expect(e.details).toEqual({ operation: 1 });
    expect(await snapshot()).toBe(before);
  });
});

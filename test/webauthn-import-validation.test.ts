// Malformed WebAuthn and passkey imports: strict base64 (Go's []byte encoding), bounded sizes, Go's field names,
// nothing written on error; and a property: any JSON under credentials.webauthn / .passkey gives an identity or
// an IdentityError. Valid key data from Kratos's identity/handler_test.go (test/fixtures/kratos-webauthn-import.json).
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_WEBAUTHN_CREDENTIALS } from "../src/identity/webauthn-payload.js";
import { type Identity, isIdentityError } from "../src/index.js";
import { manager, rejection } from "./helpers.js";

const fx = JSON.parse(readFileSync(new URL("fixtures/kratos-webauthn-import.json", import.meta.url), "utf8"));
const KEY = fx.registered_key.config.credentials[0];
const HANDLE = fx.registered_key.config.user_handle;
const TEXT_HANDLE = fx.handler.user_handle; // "user-handle-1": a passkey user handle is text (its identifier)
const b64 = (n: number) => Buffer.alloc(n, 7).toString("base64");

async function refused(kind: "webauthn" | "passkey", config: unknown) {
  const idm = manager();
  const e = await rejection(
    idm.createIdentity({
      traits: { email: "bad@example.org" },
      credentials: { [kind]: { config } } as never,
    }),
  );
  expect(e.code).toBe("validation_failed");
  expect(e.status).toBe(400);
  expect((await idm.listIdentities()).identities).toEqual([]);
  return e.issues;
}

const P = "/credentials/webauthn/config";

function configOf<T>(identity: Pick<Identity<unknown>, "credentials">, kind: "webauthn" | "passkey"): T {
  const config = identity.credentials?.[kind]?.config;
  if (!config) throw new Error(`no ${kind} config`);
  return config as T;
}

describe("malformed imports are validation_failed at a JSON pointer, nothing written", () => {
  it.each([
    ["URL-safe alphabet", "a-_b"],
    ["missing padding", "YQ"],
    ["whitespace (Go skips newlines, idkit does not)", "YWJj\nZGVm"],
    ["non-zero unused bits (Go's non-strict decoder accepts them)", "YR=="],
    ["not a string", 12],
  ])("public_key with %s", async (_label, value) => {
    const issues = await refused("webauthn", { credentials: [{ ...KEY, public_key: value }] });
    expect(issues[0]?.pointer).toBe(`${P}/credentials/0/public_key`);
    expect(["invalid_format", "invalid_type"]).toContain(issues[0]?.code);
  });

  it.each(
    (
      [
        ["credentials/0/id", { credentials: [{ ...KEY, id: b64(1024) }] }, "too_big"],
        ["credentials/0/public_key", { credentials: [{ ...KEY, public_key: b64(4097) }] }, "too_big"],
        ["user_handle", { credentials: [KEY], user_handle: b64(65) }, "too_big"],
        [
          "credentials/0/authenticator/aaguid",
          { credentials: [{ ...KEY, authenticator: { aaguid: b64(17) } }] },
          "too_big",
        ],
        [
          "credentials/0/attestation/object",
          { credentials: [{ ...KEY, attestation: { object: b64(16385) } }] },
          "too_big",
        ],
        [
          "credentials/0/display_name",
          { credentials: [{ ...KEY, display_name: "x".repeat(1025) }] },
          "too_big",
        ],
        [
          "credentials",
          { credentials: Array.from({ length: MAX_WEBAUTHN_CREDENTIALS + 1 }, () => KEY) },
          "too_big",
        ],
        [
          "credentials/0/authenticator/sign_count",
          { credentials: [{ ...KEY, authenticator: { sign_count: 2 ** 32 } }] },
          "too_big",
        ],
        [
          "credentials/0/authenticator/sign_count",
          { credentials: [{ ...KEY, authenticator: { sign_count: -1 } }] },
          "too_small",
        ],
        [
          "credentials/0/added_at",
          { credentials: [{ ...KEY, added_at: "2022-02-30T00:00:00Z" }] },
          "invalid_format",
        ],
        ["credentials/0/id", { credentials: [{ ...KEY, id: "" }] }, "too_small"],
        ["credentials/0/public_key", { credentials: [{ id: KEY.id }] }, "invalid_type"],
        ["credentials/0/passwordless", { credentials: [{ ...KEY, passwordless: true }] }, "unknown_field"],
        ["webauthn_user_handle", { credentials: [KEY], webauthn_user_handle: HANDLE }, "unknown_field"],
      ] as Array<[string, unknown, string]>
    ).map(([path, config, code]) => [`${path} → ${code}`, path, config, code] as const),
  )("%s", async (_title, path, config, code) => {
    const issues = await refused("webauthn", config);
    expect(issues).toContainEqual(expect.objectContaining({ pointer: `${P}/${path}`, code }));
  });

  it("an exact maximum is accepted (64-byte user handle, 1023-byte id)", async () => {
    const idm = manager();
    const created = await idm.createIdentity({
      traits: { email: "max@example.org" },
      credentials: {
        webauthn: { config: { credentials: [{ ...KEY, id: b64(1023) }], user_handle: b64(64) } },
      },
    });
    expect(created.credentials?.webauthn).toBeDefined();
  });

  it("the same key id twice in one import is a duplicate (Kratos would store both copies)", async () => {
    const issues = await refused("passkey", {
      credentials: [KEY, { ...KEY, display_name: "again" }],
      user_handle: TEXT_HANDLE,
    });
    expect(issues).toEqual([
      expect.objectContaining({ pointer: "/credentials/passkey/config/credentials/1/id", code: "duplicate" }),
    ]);
  });

  it("a passkey user handle must be UTF-8 text: it is stored as the identifier (Go's string(bytes))", async () => {
    const issues = await refused("passkey", {
      credentials: [KEY],
      user_handle: Buffer.from([0xff, 0xfe]).toString("base64"),
    });
    expect(issues[0]).toMatchObject({
      pointer: "/credentials/passkey/config/user_handle",
      code: "invalid_format",
    });
  });

  it("a PUT that fails leaves the stored identity unchanged; a merge past the key limit fails", async () => {
    const idm = manager();
    const many = Array.from({ length: MAX_WEBAUTHN_CREDENTIALS }, (_, i) => ({ ...KEY, id: b64(i + 1) }));
    const created = await idm.createIdentity({
      traits: { email: "put@example.org" },
      credentials: { webauthn: { config: { credentials: many, user_handle: HANDLE } } },
    });
    const before = await idm.getIdentity(created.id, { includeCredentials: ["webauthn"] });
    const tooMany = await rejection(
      idm.updateIdentity(created.id, {
        traits: { email: "put@example.org" },
        credentials: { webauthn: { config: { credentials: [{ ...KEY, id: b64(500) }] } } },
      }),
    );
    expect(tooMany.issues[0]).toMatchObject({ pointer: `${P}/credentials`, code: "too_big" });
    const malformed = await rejection(
      idm.updateIdentity(created.id, {
        traits: { email: "changed@example.org" },
        credentials: { webauthn: { config: { credentials: [{ ...KEY, id: "%%%%" }] } } },
      }),
    );
    expect(malformed.issues[0]).toMatchObject({ pointer: `${P}/credentials/0/id`, code: "invalid_format" });
    expect(await idm.getIdentity(created.id, { includeCredentials: ["webauthn"] })).toEqual(before);
  });
});

describe("Go decoding rules kept", () => {
  it("null means absent; {} imports an empty webauthn credential; added_at is written as Go writes time.Time", async () => {
    const idm = manager();
    const a = await idm.createIdentity({
      traits: { email: "nulls@example.org" },
      credentials: { webauthn: null, passkey: null } as never,
    });
    expect(a.credentials?.passkey).toBeUndefined();
    const b = await idm.createIdentity({
      schema_id: "preset://email",
      traits: { email: "empty@example.org" },
      credentials: { webauthn: {} },
    });
    const got = await idm.getIdentity(b.id, { includeCredentials: ["webauthn"] });
    expect(configOf<{ credentials: unknown }>(got, "webauthn").credentials).toBeNull();
    const c = await idm.createIdentity({
      traits: { email: "time@example.org" },
      credentials: {
        webauthn: {
          config: {
            credentials: [
              {
                ...KEY,
                added_at: "2022-12-16T14:11:55.500+00:00",
                transport: [],
                flags: null,
                attestation_type: null,
              },
            ],
          },
        },
      },
    });
    const key = configOf<{ credentials: Array<Record<string, unknown>> }>(
      await idm.getIdentity(c.id, { includeCredentials: ["webauthn"] }),
      "webauthn",
    ).credentials[0];
    expect(key).toMatchObject({ added_at: "2022-12-16T14:11:55.5Z", attestation_type: "" });
    expect(key).not.toHaveProperty("transport");
    expect(key).not.toHaveProperty("flags");
  });

  it("passkey cannot be deleted; deleting webauthn keeps the passwordless keys (imported ones too)", async () => {
    const idm = manager();
    const created = await idm.createIdentity({
      traits: { email: "del@example.org" },
      credentials: {
        password: {
          config: { hashed_password: "$2a$04$0ZpHKp5oEuHq8aHkGM6bEOBJ7lDRgsFdvu2szuoaWiv4LlPQzRNvG" },
        },
        passkey: { config: { credentials: [KEY], user_handle: TEXT_HANDLE } },
        webauthn: { config: { credentials: [KEY, { ...KEY, id: b64(3), is_passwordless: false }] } },
      },
    });
    expect((await rejection(idm.deleteCredential(created.id, "passkey"))).code).toBe(
      "credential_not_deletable",
    );
    await idm.deleteCredential(created.id, "webauthn");
    const got = await idm.getIdentity(created.id, { includeCredentials: ["webauthn"] });
    expect(
      configOf<{ credentials: Array<{ id: string }> }>(got, "webauthn").credentials.map((k) => k.id),
    ).toEqual([KEY.id]);
  });
});

describe("property: any JSON under credentials.webauthn / credentials.passkey", () => {
  const keyish = fc.record(
    {
      id: fc.oneof(fc.constant(KEY.id), fc.base64String({ maxLength: 12 }), fc.string(), fc.jsonValue()),
      public_key: fc.oneof(fc.constant(KEY.public_key), fc.string(), fc.jsonValue()),
      added_at: fc.oneof(fc.constant("2022-12-16T14:11:55Z"), fc.string(), fc.jsonValue()),
      authenticator: fc.oneof(
        fc.record({ aaguid: fc.jsonValue(), sign_count: fc.jsonValue() }, { requiredKeys: [] }),
        fc.jsonValue(),
      ),
      is_passwordless: fc.jsonValue(),
    },
    { requiredKeys: [] },
  );
  const config = fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.record(
      {
        credentials: fc.oneof(fc.array(keyish, { maxLength: 3 }), fc.jsonValue()),
        user_handle: fc.oneof(fc.base64String({ maxLength: 12 }), fc.jsonValue()),
      },
      { requiredKeys: [] },
    ),
  );

  it("gives an identity or an IdentityError, never another exception", async () => {
    const idm = manager();
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("webauthn", "passkey"),
        fc.oneof(
          config.map((c) => ({ config: c })),
          fc.jsonValue({ maxDepth: 3 }),
        ),
        async (kind, body) => {
          n++;
          try {
            const created = await idm.createIdentity({
              traits: { email: `p${n}@example.org` },
              credentials: { [kind]: body } as never,
            });
            await idm.getIdentity(created.id, { includeCredentials: [kind] });
            await idm.updateIdentity(created.id, {
              traits: { email: `p${n}@example.org` },
              credentials: { [kind]: body } as never,
            });
          } catch (e) {
            if (!isIdentityError(e)) throw e;
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

// Every public entry point of idkit, each with an arbitrary of its arguments (mostly plausible, sometimes hostile).
import { readFileSync } from "node:fs";
import fc from "fast-check";
import {
  createPasswordHasher,
  createPasswordPolicy,
  createPwnedPasswordsChecker,
  escapePointerToken,
  IdentityError,
  IdentityManager,
  isIdentityError,
  SchemaRegistry,
  schemaIdToBase64,
  toPointer,
  ValidationError,
  validateImportedHash,
  verifyPassword,
} from "../../src/index.js";
import { body, hostile, mostly } from "./hostile.js";

const vectors = (
  JSON.parse(readFileSync(new URL("../fixtures/kratos-hash-vectors.json", import.meta.url), "utf8")) as {
    vectors: { hash: string; format: string }[];
  }
).vectors
  // Cheap formats only, so a fuzzed login against an imported hash stays fast.
  .filter((v) => /^(md5|sha|ssha|hmac|pbkdf2|unknown)$/.test(v.format))
  .map((v) => v.hash);

/** What a target gets: a manager with a few identities, their ids, and the tokens issued for them. */
export interface FuzzWorld {
  idm: IdentityManager;
  ids: string[];
  tokens: string[];
  flows: string[];
}

const uuid = fc.uuid();
const known = (w: FuzzWorld) => fc.oneof(fc.constantFrom(...w.ids), uuid, fc.string({ maxLength: 40 }));
const email = fc.oneof(
  fc.emailAddress(),
  fc.constantFrom("a@example.org", "A@EXAMPLE.ORG", "fuzz@example.org", "x@y", "@", ""),
);
const str = fc.string({ maxLength: 24 });
const json = fc.jsonValue({ maxDepth: 3 });
const duration = fc.oneof(
  fc.constantFrom("1h", "10m", "0s", "-1h", "0.0000001ns", "1.5ns", "9999999999h", "1e3s", ""),
  str,
);
const credentialTypes = fc.array(
  fc.oneof(
    fc.constantFrom("password", "oidc", "saml", "totp", "lookup_secret", "webauthn", "passkey", "code"),
    str,
  ),
  { maxLength: 4 },
);
const getOptions = body({ includeCredentials: credentialTypes });
const traits = fc.oneof(body({ email, name: body({ first: str, last: str }) }), json);
const provider = body({ provider: str, subject: str, organization: uuid, use_auto_link: fc.boolean() });
const credentials = body({
  password: body({
    config: body({
      password: str,
      hashed_password: vectors.length > 0 ? fc.oneof(fc.constantFrom(...vectors), str) : str,
      use_password_migration_hook: fc.boolean(),
    }),
  }),
  oidc: body({ config: body({ providers: fc.array(provider, { maxLength: 2 }) }) }),
  saml: body({ config: body({ providers: fc.array(provider, { maxLength: 2 }) }) }),
  totp: body({ config: body({ totp_url: str }) }),
  lookup_secret: body({
    config: body({ codes: fc.array(body({ code: str, used_at: str }), { maxLength: 2 }) }),
  }),
  webauthn: body({ config: body({ credentials: fc.array(json, { maxLength: 2 }), user_handle: str }) }),
});
const address = body({
  value: email,
  verified: fc.boolean(),
  via: fc.constantFrom("email", "sms", ""),
  status: str,
});
const identityBody = body({
  schema_id: fc.constantFrom("default", "preset://email", "missing"),
  traits,
  credentials,
  verifiable_addresses: fc.array(address, { maxLength: 2 }),
  recovery_addresses: fc.array(address, { maxLength: 2 }),
  metadata_public: json,
  metadata_admin: json,
  state: fc.constantFrom("active", "inactive", "", "deleted"),
  external_id: str,
  organization_id: uuid,
  region: str,
});
const pointer = fc.oneof(
  fc.constantFrom(
    "/traits/email",
    "/traits",
    "/metadata_public",
    "/metadata_admin/x",
    "/state",
    "/credentials/oidc/config/providers/0/subject",
    "/credentials/password/config/hashed_password",
    "/verifiable_addresses/0/verified",
    "/external_id",
    "",
    "/traits/~1~0",
    "/-",
  ),
  fc.array(str, { maxLength: 5 }).map((t) => t.map((x) => `/${x}`).join("")),
);
const operation = body({
  op: fc.constantFrom("add", "remove", "replace", "move", "copy", "test", "nope"),
  path: pointer,
  from: pointer,
  value: json,
});
const login = body({ identifier: email, password: str });
const recovery = (w: FuzzWorld) => body({ identity_id: known(w), expires_in: duration });
const verification = (w: FuzzWorld) => body({ identity_id: known(w), address: email, expires_in: duration });
const codeBody = (w: FuzzWorld) =>
  body({
    flow_id: w.flows.length > 0 ? fc.constantFrom(...w.flows) : uuid,
    code: fc.stringMatching(/^\d{6}$/),
  });
const token = (w: FuzzWorld) => (w.tokens.length > 0 ? mostly(fc.constantFrom(...w.tokens)) : hostile);

/** One public entry point: a name, its argument tuples, and how to call it. */
export interface FuzzTarget {
  name: string;
  args(w: FuzzWorld): fc.Arbitrary<unknown[]>;
  call(w: FuzzWorld, args: unknown[]): unknown;
}

// biome-ignore lint/suspicious/noExplicitAny: the point is to call with anything
const m = (w: FuzzWorld) => w.idm as any;
const t = (name: string, args: (w: FuzzWorld) => fc.Arbitrary<unknown>[], call: FuzzTarget["call"]) => ({
  name,
  args: (w: FuzzWorld) => fc.tuple(...args(w)),
  call,
});
const method = (name: string, args: (w: FuzzWorld) => fc.Arbitrary<unknown>[]): FuzzTarget =>
  t(name, args, (w, a) => m(w)[name](...a));

export const TARGETS: FuzzTarget[] = [
  method("createIdentity", () => [identityBody]),
  method("batchPatchIdentities", () => [
    body({ identities: fc.array(body({ create: identityBody, patch_id: uuid }), { maxLength: 3 }) }),
  ]),
  method("getIdentity", (w) => [known(w), getOptions]),
  method("getIdentityByExternalId", () => [str, getOptions]),
  method("findIdentityByOidc", () => [body({ provider: str, subject: str }), getOptions]),
  method("listIdentities", (w) => [
    body({
      pageSize: fc.oneof(fc.integer({ min: -5, max: 600 }), fc.double()),
      pageToken: known(w),
      ids: fc.array(known(w), { maxLength: 3 }),
      credentialsIdentifier: email,
      organizationId: uuid,
      includeCredentials: credentialTypes,
    }),
  ]),
  method("updateIdentity", (w) => [known(w), identityBody]),
  method("patchIdentity", (w) => [known(w), mostly(fc.array(operation, { maxLength: 4 }))]),
  method("deleteIdentity", (w) => [known(w)]),
  method("deleteCredential", (w) => [
    known(w),
    fc.constantFrom("password", "oidc", "saml", "totp", "lookup_secret", "webauthn", "x"),
    body({ identifier: str }),
  ]),
  method("authenticatePassword", () => [login]),
  method("createRecoveryLink", (w) => [recovery(w)]),
  method("createRecoveryCode", (w) => [recovery(w)]),
  method("redeemRecoveryLink", (w) => [token(w)]),
  method("redeemRecoveryCode", (w) => [codeBody(w)]),
  method("setPassword", (w) => [known(w), mostly(str)]),
  method("createVerificationLink", (w) => [verification(w)]),
  method("createVerificationCode", (w) => [verification(w)]),
  method("redeemVerificationLink", (w) => [token(w)]),
  method("redeemVerificationCode", (w) => [codeBody(w)]),
  method("markAddressVerified", (w) => [known(w), mostly(email)]),
  t(
    "schemas.register",
    () => [mostly(str), mostly(json)],
    (w, a) => m(w).schemas.register(...a),
  ),
  t(
    "schemas.get",
    () => [mostly(str)],
    (w, a) => m(w).schemas.get(...a),
  ),
  t(
    "schemas.require",
    () => [mostly(str)],
    (w, a) => m(w).schemas.require(...a),
  ),
  t(
    "schemas.urlFor",
    () => [mostly(str)],
    (w, a) => m(w).schemas.urlFor(...a),
  ),
  t(
    "verifyPassword",
    () => [mostly(str), mostly(fc.constantFrom(...vectors))],
    (_w, a) => (verifyPassword as (...x: unknown[]) => unknown)(...a),
  ),
  t(
    "validateImportedHash",
    () => [mostly(fc.constantFrom(...vectors))],
    (_w, a) => (validateImportedHash as (...x: unknown[]) => unknown)(...a),
  ),
  t(
    "passwordHasher.verify",
    () => [mostly(str), mostly(fc.constantFrom(...vectors))],
    (w, a) => m(w).passwordHasher.verify(...a),
  ),
  t(
    "passwordHasher.needsRehash",
    () => [mostly(fc.constantFrom(...vectors))],
    (w, a) => m(w).passwordHasher.needsRehash(...a),
  ),
  t(
    "createPasswordHasher",
    () => [
      body({ algorithm: fc.constantFrom("argon2id", "bcrypt", "md5"), bcrypt: body({ cost: fc.integer() }) }),
    ],
    (_w, a) => (createPasswordHasher as (...x: unknown[]) => unknown)(...a),
  ),
  t(
    "createPasswordPolicy().check",
    () => [body({ minLength: fc.integer(), maxBytes: fc.integer() }), mostly(str), mostly(fc.array(str))],
    async (_w, [options, password, identifiers]) =>
      (createPasswordPolicy as (o: unknown) => { check(...x: unknown[]): unknown })(options).check(
        password,
        identifiers,
      ),
  ),
  t(
    "new IdentityManager",
    () => [body({ defaultSchemaId: str, publicUrl: str, secrets: fc.array(str), schemas: json })],
    (_w, a) => new (IdentityManager as unknown as new (...x: unknown[]) => unknown)(...a),
  ),
  t(
    "passwordHasher.hash",
    () => [mostly(str)],
    (w, a) => m(w).passwordHasher.hash(...a),
  ),
  t(
    "new SchemaRegistry",
    () => [body({ publicUrl: str, schemas: json })],
    (_w, a) => new (SchemaRegistry as unknown as new (...x: unknown[]) => unknown)(...a),
  ),
  t(
    "createPwnedPasswordsChecker",
    () => [body({ host: str, timeoutMs: fc.integer(), cacheTtlMs: fc.integer() })],
    (_w, a) => (createPwnedPasswordsChecker as (...x: unknown[]) => unknown)(...a),
  ),
  t(
    "toPointer",
    () => [mostly(fc.array(str))],
    (_w, a) => (toPointer as (...x: unknown[]) => unknown)(...a),
  ),
  t(
    "escapePointerToken",
    () => [mostly(str)],
    (_w, a) => (escapePointerToken as (...x: unknown[]) => unknown)(...a),
  ),
  t(
    "new IdentityError",
    () => [
      mostly(fc.constantFrom("validation_failed", "storage_error", "nope")),
      body({ reason: str, message: str }),
    ],
    (_w, a) => new (IdentityError as unknown as new (...x: unknown[]) => unknown)(...a),
  ),
  t(
    "new ValidationError",
    () => [mostly(fc.array(body({ pointer: str, code: str, message: str }))), body({ reason: str })],
    (_w, a) => new (ValidationError as unknown as new (...x: unknown[]) => unknown)(...a),
  ),
  t(
    "schemaIdToBase64",
    () => [mostly(str)],
    (_w, a) => (schemaIdToBase64 as (...x: unknown[]) => unknown)(...a),
  ),
  t(
    "isIdentityError",
    () => [hostile, hostile],
    (_w, a) => (isIdentityError as (...x: unknown[]) => unknown)(...a),
  ),
];

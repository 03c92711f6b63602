// The small things a new user tripped on (issue #11, item 7), each pinned: the README quick start's comments are
// what its code does, the demo's "no password yet" identity holds only an identifier, and a manager without
// `secrets` warns once per process when it signs a token with its random key (and refuses to on a shared store).
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { IdentityManager, isIdentityError, MemoryStorage } from "../src/index.js";
import { FAST_HASHING } from "./helpers.js";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const demo = readFileSync(new URL("../examples/quickstart.ts", import.meta.url), "utf8");

describe("README quick start", () => {
  const start = readme.indexOf("In your app:");
  const block = readme.slice(
    readme.indexOf("```ts", start),
    readme.indexOf("```\n", readme.indexOf("```ts", start) + 5),
  );

  it("creates both identities in the schema it names, so the second one is the conflict it says", () => {
    const schemaIds = [...block.matchAll(/schema_id: "([^"]+)"/g)].map(([, id]) => id);
    expect(schemaIds).toEqual(["preset://email", "preset://email"]);
    expect(block).toContain('preset://email and a "default" schema registered');
  });

  it("gives the results its comments state", async () => {
    const idm = new IdentityManager<{ email: string }>({ hashing: FAST_HASHING });
    const identity = await idm.createIdentity({
      schema_id: "preset://email",
      traits: { email: "docs@example.org" },
    });
    expect(identity.verifiable_addresses?.[0]?.status).toBe("pending");
    expect(block).toContain(`identity.schema_url; // "${identity.schema_url}"`);
    const second = idm.createIdentity({ schema_id: "preset://email", traits: { email: "DOCS@example.org" } });
    const error = await second.catch((e: unknown) => e);
    expect(isIdentityError(error, "identity_conflict")).toBe(true);
    expect(block).toContain(`console.log(e.status); // ${(error as { status: number }).status}`);
    expect(idm.schemas.get("default")).toBeDefined();
  });
});

describe("the demo (examples/quickstart.ts)", () => {
  it("says what an invited identity holds: a password credential with the identifier and no hash", async () => {
    expect(demo).not.toContain("no credential yet");
    expect(demo).toContain("no password yet: its password credential holds only");
    const idm = new IdentityManager({ hashing: FAST_HASHING });
    const invited = await idm.createIdentity({ schema_id: "default", traits: { email: "foo@ory.sh" } });
    expect(invited.credentials?.password?.identifiers).toEqual(["foo@ory.sh"]);
    const full = await idm.getIdentity(invited.id, { includeCredentials: ["password"] });
    expect(full.credentials?.password?.config?.hashed_password).toBeUndefined();
  });
});

describe("no `secrets`: the IDKIT_NO_SECRETS warning", () => {
  afterEach(() => vi.restoreAllMocks());

  it("is emitted once per process, on the first token signed with a random key, never with secrets", async () => {
    const emit = vi.spyOn(process, "emitWarning").mockImplementation(() => undefined);
    const withSecrets = new IdentityManager({
      hashing: FAST_HASHING,
      secrets: ["a-secret-of-16-chars-or-more"],
    });
    const a = await withSecrets.createIdentity({
      schema_id: "preset://email",
      traits: { email: "a@example.org" },
    });
    await withSecrets.createRecoveryLink({ identity_id: a.id });
    expect(emit).not.toHaveBeenCalled();

    const first = new IdentityManager({ hashing: FAST_HASHING });
    const second = new IdentityManager({ hashing: FAST_HASHING });
    expect(emit).not.toHaveBeenCalled(); // constructing is not signing
    for (const idm of [first, second]) {
      const b = await idm.createIdentity({ schema_id: "preset://email", traits: { email: "b@example.org" } });
      await idm.createRecoveryLink({ identity_id: b.id });
      await idm.createRecoveryCode({ identity_id: b.id });
    }
    expect(emit).toHaveBeenCalledTimes(1);
    const [message, options] = emit.mock.calls[0] as [string, { code: string }];
    expect(options.code).toBe("IDKIT_NO_SECRETS");
    expect(message).toContain("secrets");
  });
});

describe("no `secrets` on a store several processes share", () => {
  /** MemoryStorage that says it is shared, as a database adapter does (`supportsMultipleProcesses`). */
  const sharedStore = () => Object.assign(new MemoryStorage(), { supportsMultipleProcesses: true });

  it("refuses to sign a token (invalid_configuration naming `secrets`) and writes nothing", async () => {
    const storage = sharedStore();
    const idm = new IdentityManager({ hashing: FAST_HASHING, storage });
    const a = await idm.createIdentity({ schema_id: "preset://email", traits: { email: "a@example.org" } });
    const insert = vi.spyOn(storage, "insertFlowToken");
    for (const issue of [
      () => idm.createRecoveryLink({ identity_id: a.id }),
      () => idm.createRecoveryCode({ identity_id: a.id }),
    ]) {
      const error = await issue().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isIdentityError(error, "invalid_configuration")).toBe(true);
      expect((error as { reason?: string }).reason).toContain("pass `secrets:");
    }
    expect(insert).not.toHaveBeenCalled();
  });

  it("signs as usual with secrets, and a single-process store keeps the warning", async () => {
    const idm = new IdentityManager({
      hashing: FAST_HASHING,
      storage: sharedStore(),
      secrets: ["a-secret-of-16-chars-or-more"],
    });
    const a = await idm.createIdentity({ schema_id: "preset://email", traits: { email: "a@example.org" } });
    await expect(idm.createRecoveryLink({ identity_id: a.id })).resolves.toHaveProperty("recovery_link");
  });
});
